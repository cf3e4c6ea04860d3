// Who gets a post, read from Stripe (the record of every fan; no list of our own), in ONE pass: the customers
// created before the send started, 100 a page, each with its current subscriptions expanded, so a send
// costs one list page per 100 customers and nothing more. A customer is a recipient when a member (a live
// tier subscription, by the core's status rule, src/core/holdings.ts) or a follower (`truefans_follower=yes`),
// and not when post emails are off (`truefans_post_emails=off`). Customers sharing an email (any letter
// case) are one reader, who gets one email: the one of the newest of them that is a recipient (Stripe lists
// newest first; a follower who later joins through Checkout is a newer customer, so gets the member's email).
// Only a map of 64-bit digests of the addresses handled, with the rank each got, is held in memory.

import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { statusGrants, type LegacyTiers } from '../core/holdings.ts';
import type { PastDuePolicy } from '../core/env.ts';
import { tierOfItem } from '../billing/stripe/entitlements.ts';
import { FOLLOWER, type Audience } from './audience.ts';

export const FOLLOWER_METADATA = 'truefans_follower';
export const POST_EMAILS_METADATA = 'truefans_post_emails';
const PAGE = 100;
const TIMEOUT = 30_000;

export interface Recipient {
  customer: string;
  email: string;
  name: string | undefined;
  audience: Audience;
}

export interface StripeCalls {
  list: number;
  other: number;
}

/** One reader per address: letter case ignored, as Stripe customers may differ only in it. */
export const emailKey = (email: string) => email.trim().toLowerCase();
export const digest = (email: string) => createHash('sha256').update(emailKey(email)).digest('hex').slice(0, 16);

const off = (metadata: Stripe.Metadata | null | undefined) => metadata?.[POST_EMAILS_METADATA] === 'off';

/** What a pass over the customers needs and keeps: the tiers by rank, the digests of addresses handled. */
export interface RecipientScan {
  rankedTiers: readonly string[];
  pastDue: PastDuePolicy;
  /** Unix seconds: customers created later are not listed (a resume sees the same customers). */
  createdBefore: number;
  /** Address digest -> the rank of the email it got (-1: the follower's; -2: none, post emails off). */
  seen: Map<string, number>;
  calls: StripeCalls;
  /** Products read for tiers a price does not name, once per send. */
  products?: Map<string, Promise<Stripe.Product | Stripe.DeletedProduct>>;
  /** Called when an older customer of an address already handled holds a higher tier than the email sent. */
  onLowerTier?: () => void;
  /** site.yaml `tiers[].also`: prices and products from elsewhere that count as a tier. */
  also?: LegacyTiers;
}

/** The rank of the highest tier a customer's live subscriptions hold (-1: none). */
async function rankOf(stripe: Stripe, c: Stripe.Customer, scan: RecipientScan): Promise<number> {
  const products = (scan.products ??= new Map());
  let subs = c.subscriptions?.data ?? [];
  if (c.subscriptions?.has_more) {
    // An embedded list holds only the first few; a customer with more is listed whole (rare).
    subs = [];
    let after: string | undefined;
    for (;;) {
      const page = await stripe.subscriptions.list({ customer: c.id, limit: PAGE, ...(after ? { starting_after: after } : {}) }, { timeout: TIMEOUT });
      scan.calls.list++;
      subs.push(...page.data);
      if (!page.has_more || page.data.length === 0) break;
      after = page.data[page.data.length - 1]!.id;
    }
  }
  let rank = -1;
  for (const sub of subs) {
    if (!statusGrants(sub.status, scan.pastDue)) continue;
    for (const item of sub.items.data) {
      const tier = await tierOfItem(stripe, item, products, TIMEOUT, scan.also);
      rank = Math.max(rank, tier ? scan.rankedTiers.indexOf(tier) : -1);
    }
  }
  return rank;
}

/**
 * Every customer created at or before `createdBefore`, in Stripe's stable order (newest first), with the
 * recipient it stands for, once per address. Every customer is reported, recipient or not, so a resume
 * finds its place by customer id.
 */
export async function* recipients(stripe: Stripe, scan: RecipientScan): AsyncGenerator<{ customer: string; recipient?: Recipient }> {
  let after: string | undefined;
  for (;;) {
    // `subscriptions` on a customer is returned only when expanded: "The customer's current subscriptions,
    // if any" (the Customer type of the stripe package), a list that says has_more when it holds only some.
    const page = await stripe.customers.list({ limit: PAGE, created: { lte: scan.createdBefore }, expand: ['data.subscriptions'], ...(after ? { starting_after: after } : {}) }, { timeout: TIMEOUT });
    scan.calls.list++;
    for (const c of page.data) yield { customer: c.id, ...(await recipientOf(stripe, c, scan)) };
    if (!page.has_more || page.data.length === 0) break;
    after = page.data[page.data.length - 1]!.id;
  }
  scan.calls.other += scan.products?.size ?? 0;
}

async function recipientOf(stripe: Stripe, c: Stripe.Customer, scan: RecipientScan): Promise<{ recipient?: Recipient }> {
  if (!c.email) return {};
  const follower = c.metadata?.[FOLLOWER_METADATA] === 'yes';
  const rank = await rankOf(stripe, c, scan);
  if (rank < 0 && !follower) return {};
  const d = digest(c.email);
  const handled = scan.seen.get(d);
  if (handled !== undefined) {
    if (handled >= -1 && rank > handled) scan.onLowerTier?.();
    return {};
  }
  if (off(c.metadata)) {
    scan.seen.set(d, -2);
    return {};
  }
  scan.seen.set(d, rank);
  const audience: Audience = rank >= 0 ? { kind: 'tier', tier: scan.rankedTiers[rank]! } : FOLLOWER;
  return { recipient: { customer: c.id, email: c.email.trim(), name: c.name ?? undefined, audience } };
}
