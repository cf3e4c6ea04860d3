// The emails the edge function sends, each as text and HTML. Values are escaped in the HTML; links are ours.

import { escapeHtml } from '../http/html.ts';
import type { EmailMessage } from '../ports.ts';

export interface SiteInfo {
  title: string;
  author: string;
  url: string;
}

function html(site: SiteInfo, paragraphs: string[], link?: { href: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('\n');
  const button = link ? `\n<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : '';
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:36em">\n${body}${button}\n<p style="color:#666">${escapeHtml(site.title)} · ${escapeHtml(site.url)}</p>\n</body></html>`;
}

function text(paragraphs: string[], link?: { href: string; label: string }): string {
  return [...paragraphs, ...(link ? [`${link.label}: ${link.href}`] : [])].join('\n\n');
}

export function message(kind: string, to: string, subject: string, site: SiteInfo, paragraphs: string[], link?: { href: string; label: string }): EmailMessage {
  return { kind, to, subject, text: text(paragraphs, link), html: html(site, paragraphs, link) };
}

export function signInEmail(site: SiteInfo, to: string, link: string): EmailMessage {
  return message('sign-in', to, `Your sign-in link for ${site.title}`, site, [
    `Here is your link to sign in to ${site.title}. It works once, for the next 15 minutes.`,
    'If you did not ask for it, you can ignore this email; nobody can sign in without the link.',
  ], { href: link, label: 'Sign in' });
}

/** Double opt-in: the link that confirms a reader wants new posts by email. */
export function followConfirmEmail(site: SiteInfo, to: string, link: string): EmailMessage {
  return message('follow', to, `Confirm: new posts from ${site.title} by email`, site, [
    `Someone, hopefully you, asked to get new posts from ${site.title} by email at this address. Press the link to confirm; it works for two days.`,
    'If it was not you, ignore this email: nothing is sent to you without the confirmation.',
  ], { href: link, label: 'Yes, send me new posts' });
}

/**
 * A new member of a tier; `trial` is the sentence on when a trial ends and what is charged then; `account`,
 * given when this email already had a membership, is the account page where the fan can see both.
 */
export function welcomeEmail(site: SiteInfo, to: string, what: string, thankYou: string, link: string, trial?: string, account?: string): EmailMessage {
  return message('welcome', to, `Welcome to ${site.title}`, site, [
    `You are now a member of ${site.title}: ${what}.`,
    ...(trial ? [trial] : []),
    ...(account
      ? [`This email address already had a membership of ${site.title} before this payment, so you may now be paying twice. Sign in with this address to see both on your account page (${account}) and cancel the one you do not need.`]
      : []),
    thankYou,
    `— ${site.author}`,
    'To read on another device, sign in there with this email address; the site will send you a link.',
  ], { href: link, label: `Go to ${site.title}` });
}

/** A buyer of an offer: thanks, and the download at once. */
export function purchaseEmail(site: SiteInfo, to: string, offer: string, thankYou: string, link: string, download: string | undefined): EmailMessage {
  return message('welcome', to, `Thank you for buying ${offer}`, site, [
    `Thank you for buying ${offer} from ${site.title}. It is yours to keep.`,
    ...(download ? [`Download it here: ${download}`, 'The link works in the browser you bought it with; on another device, sign in with this email address first. It is also on your account page.'] : []),
    thankYou,
    `— ${site.author}`,
  ], { href: download ?? link, label: download ? `Download ${offer}` : `Go to ${site.title}` });
}

/** A pay-what-you-want gift: thanks, and nothing promised. */
export function giftEmail(site: SiteInfo, to: string, amount: string, thankYou: string, link: string): EmailMessage {
  return message('welcome', to, `Thank you for your support of ${site.title}`, site, [
    `Thank you for your gift of ${amount} to ${site.title}.`,
    thankYou,
    `— ${site.author}`,
  ], { href: link, label: `Go to ${site.title}` });
}

/** The creator's note for a purchase or a gift: buyers and supporters are counted apart from members. */
export function newSupportEmail(site: SiteInfo, to: string, fan: string, what: { kind: 'offer'; offer: string } | { kind: 'gift'; amount: string } | { kind: 'membership-gift'; what: string }, members: { fans: number; atLeast: boolean }, goal: number): EmailMessage {
  const have = members.atLeast ? `more than ${members.fans}` : `${members.fans}`;
  if (what.kind === 'membership-gift') {
    return message('new-fan', to, `A gift membership from ${fan}: ${what.what}`, site, [
      `${fan} just gave ${what.what} to a friend.`,
      `Paying members toward your goal: ${have} of ${goal}. (Gift memberships are counted apart, and never as paying members.)`,
    ]);
  }
  return message('new-fan', to, what.kind === 'offer' ? `A new purchase: ${fan} bought ${what.offer}` : `A gift from ${fan}: ${what.amount}`, site, [
    what.kind === 'offer' ? `${fan} just bought ${what.offer} from ${site.title}.` : `${fan} just sent ${site.title} a gift of ${what.amount}.`,
    `Members toward your goal: ${have} of ${goal}. (Buyers and supporters are not counted as members.)`,
  ]);
}

/** `count.atLeast` when the count stopped at its cap (counting is kept cheap). */
export function newFanEmail(site: SiteInfo, to: string, fan: string, what: string, count: { fans: number; atLeast: boolean }, goal: number): EmailMessage {
  const left = goal - count.fans;
  const have = count.atLeast ? `more than ${count.fans}` : `${count.fans}`;
  return message('new-fan', to, `A new true fan: ${fan}`, site, [
    `${fan} just joined ${site.title}: ${what}.`,
    `You now have ${have} of your ${goal} true fans${left > 0 && !count.atLeast ? ` (${left} to go)` : left <= 0 ? ' — goal reached' : ''}.`,
  ]);
}

export function goodbyeEmail(site: SiteInfo, to: string, link: string): EmailMessage {
  return message('goodbye', to, `Your membership of ${site.title} has ended`, site, [
    `Your membership of ${site.title} has ended, and you will not be charged again.`,
    'Thank you for the support while it lasted. The public posts stay open to you, and you are welcome back any time.',
    `— ${site.author}`,
  ], { href: link, label: `Visit ${site.title}` });
}

export function paymentFailedEmail(site: SiteInfo, to: string, link: string): EmailMessage {
  return message('payment-failed', to, `A payment to ${site.title} did not go through`, site, [
    `Your latest payment for ${site.title} did not go through. This happens: a card expires, or a bank says no once.`,
    'Stripe will try again over the next days. If you would like to update your card, you can do it from your account page.',
    `— ${site.author}`,
  ], { href: link, label: 'Open your account' });
}
