// `npm run followers -- export [FILE]`: everyone who may get post emails (followers and members), one row
// per email address across its customers: email, name, when they followed, whether they are a member now,
// and whether post emails are on. Cells are defused against spreadsheet formulas (csv.ts).

import type Stripe from 'stripe';
import { FOLLOWED_AT_KEY, isFollower, postEmailsOn } from '../core/follower-marks.ts';
import { tierOfPrice } from '../billing/stripe/entitlements.ts';
import { customersByAddress } from './customers.ts';
import { csvLine } from './csv.ts';

export const EXPORT_HEADER = ['email', 'name', 'followed_at', 'member', 'post_emails'] as const;

/** Customers with an active or trialing subscription to one of the site's tiers. */
async function memberCustomers(stripe: Stripe): Promise<Set<string>> {
  const members = new Set<string>();
  for (const status of ['active', 'trialing'] as const) {
    for await (const sub of stripe.subscriptions.list({ status, limit: 100 })) {
      if (sub.items.data.some((item) => tierOfPrice(item.price))) members.add(typeof sub.customer === 'string' ? sub.customer : sub.customer.id);
    }
  }
  return members;
}

export async function exportFollowers(stripe: Stripe): Promise<{ csv: string; rows: number }> {
  const [index, members] = await Promise.all([customersByAddress(stripe), memberCustomers(stripe)]);
  let csv = csvLine(EXPORT_HEADER);
  let rows = 0;
  for (const [email, customers] of [...index].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const follower = customers.some((c) => isFollower(c.metadata));
    const member = customers.some((c) => members.has(c.id));
    if (!follower && !member) continue;
    const followedAt = Math.min(...customers.map((c) => Number(c.metadata?.[FOLLOWED_AT_KEY])).filter((n) => Number.isFinite(n) && n > 0));
    const name = customers.map((c) => c.name ?? '').find(Boolean) ?? '';
    csv += csvLine([
      email,
      name,
      Number.isFinite(followedAt) ? new Date(followedAt * 1000).toISOString() : '',
      member ? 'yes' : 'no',
      customers.every((c) => postEmailsOn(c.metadata)) ? 'on' : 'off',
    ]);
    rows += 1;
  }
  return { csv, rows };
}
