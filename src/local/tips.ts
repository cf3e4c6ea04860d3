// What `npm start` suggests trying, with the site's own tiers, prices and offers from site.yaml.

import type { SiteConfig, Tier } from '../config/site-schema.ts';
import { formatMajor } from '../core/money.ts';

function tierPrice(site: SiteConfig, tier: Tier): string {
  const price = (amount: number) => formatMajor(amount, site.currency, site.language);
  const prices = [tier.monthly !== undefined ? `${price(tier.monthly)} a month` : '', tier.yearly !== undefined ? `${price(tier.yearly)} a year` : ''].filter(Boolean);
  const trial = tier.trial_days ? `, after a ${tier.trial_days}-day free trial` : '';
  return `${tier.name} (${prices.join(' or ')}${trial})`;
}

/** The one command that emails the posts to the running demo's fans (src/local/demo-file.ts). */
export function demoSendCommand(stateDir = '.truefans'): string {
  const state = stateDir.replace(/\/+$/, '') === '.truefans' ? '' : ` --state ${stateDir}`;
  return `npm run send -- --new --demo${state} --yes`;
}

/** The "Things to try" lines, each starting with "- ". `stateDir` as given to `npm start -- --state`. */
export function thingsToTry(site: SiteConfig, outboxUrl: string, standInUrl: string | undefined, stateDir?: string): string[] {
  const card = 'Pay with 4242 4242 4242 4242, any future expiry, any CVC; the card 4000 0000 0000 0002 is declined.';
  const lines: string[] = [];
  if (site.tiers.length) {
    lines.push('- Open a locked post: you see the teaser and the tiers that open it.');
    lines.push(`- Join a tier: ${site.tiers.map((t) => tierPrice(site, t)).join(', ')}.`, `  ${card}`);
  } else {
    lines.push('- content/site.yaml has no tiers yet: add one under `tiers:` to try joining.');
  }
  for (const offer of site.offers) {
    lines.push(`- Buy ${offer.name} (${formatMajor(offer.price, site.currency, site.language)}) on /membership/${offer.file ? ': the download is on the thank-you page and on your account page' : ''}.`);
  }
  if (site.pay_what_you_want?.enabled) {
    lines.push(`- Send a pay-what-you-want gift (at least ${formatMajor(site.pay_what_you_want.minimum, site.currency, site.language)}).`);
  }
  lines.push(`- Sign out, then sign in with your email: the link arrives in the outbox, ${outboxUrl}`);
  if (site.tiers.length) lines.push(`- "Your membership" opens the billing portal: ${site.tiers.length > 1 ? 'switch tier or cancel' : 'cancel'}.`);
  if (standInUrl) {
    lines.push(
      '- Follow for free from the end of a public post and confirm from the outbox; then, in another terminal,',
      `  email every post to the followers and members: ${demoSendCommand(stateDir)}`,
      '  and read each one\'s email, as their tier may read it, in the outbox.',
    );
  }
  if (standInUrl) lines.push(`- Move time forward (renewals, trial ends, cancellations) on ${standInUrl}/`);
  return lines;
}
