// The gift emails: the buyer's link, the recipient's gift (on the day the buyer chose), the claim link that
// proves the recipient's mailbox, and the reminder before a gift ends. Values are escaped by message().

import type { EmailMessage } from '../ports.ts';
import type { GiftSummary } from '../pages/gift-views.ts';
import { message, type SiteInfo } from './messages.ts';

function about(g: GiftSummary, site: SiteInfo): string[] {
  return [
    `${g.from ?? 'Someone'} gives ${g.to ? `${g.to} ` : 'you '}${g.duration} of ${g.tier} on ${site.title}: every post that tier opens, with no card and nothing ever charged.`,
    ...(g.message ? [`Their message:\n${g.message}`] : []),
  ];
}

export function giftBoughtEmail(site: SiteInfo, to: string, g: GiftSummary, link: string, deliverOn: string | undefined): EmailMessage {
  return message('gift-bought', to, `Your gift of ${g.tier} on ${site.title}`, site, [
    `Thank you for giving ${g.duration} of ${g.tier} on ${site.title}.`,
    deliverOn
      ? `We will email the gift to them on ${deliverOn}. The link is below too, if you would rather send it yourself; it redeems the gift once.`
      : 'Send them the link below: it redeems the gift once, within a year. Open it yourself any time to see whether it has been redeemed.',
  ], { href: link, label: 'The gift' });
}

export function giftDeliveryEmail(site: SiteInfo, to: string, g: GiftSummary, link: string): EmailMessage {
  return message('gift', to, `A gift for you: ${g.tier} on ${site.title}`, site, [...about(g, site), 'Open the link to redeem it (within a year); the gift starts then.'], { href: link, label: 'Redeem the gift' });
}

export function giftClaimEmail(site: SiteInfo, to: string, g: GiftSummary, link: string): EmailMessage {
  return message('gift-claim', to, `Redeem your gift on ${site.title}`, site, [
    `Here is your link to redeem ${g.duration} of ${g.tier} on ${site.title}. It works once, for the next 15 minutes.`,
    'If you did not ask for it, ignore this email: nothing happens without the link.',
  ], { href: link, label: 'Redeem the gift' });
}

/** Stripe's trial_will_end comes three days before a trial ends, so the reminder says when, not "in a week". */
export function giftEndingEmail(site: SiteInfo, to: string, tier: string, ends: string, price: string | undefined, link: string): EmailMessage {
  return message('gift-ending', to, `Your gift of ${tier} ends on ${ends}`, site, [
    `Your gift membership of ${tier} on ${site.title} ends on ${ends}. Nothing will be charged: it simply ends.`,
    `To keep reading after that, you can become a ${tier} member yourself${price ? ` (${price})` : ''}.`,
    `— ${site.author}`,
  ], { href: link, label: `Continue as ${tier}` });
}
