// Who gets a post, read from Stripe (the record of every fan; no list of our own):
//  1. members: every live tier subscription (the core's status rule, src/core/holdings.ts), 100 a page,
//     kept as one small index, email -> highest tier rank, since customers sharing an email (any letter
//     case) are one reader at the highest tier any of them holds;
//  2. everyone, streamed: the customers created before the send started, 100 a page, oldest cursor first
//     never re-read; a customer is a recipient when a member (rank from 1.) or a follower
//     (`truefans_follower=yes`), and not when post emails are off (`truefans_post_emails=off`).
// Only the members index and a set of 64-bit digests of the addresses already handled are held in memory.

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

/** Email -> rank of the highest tier held among the members (rankedTiers index); post emails off: -1. */
export async function memberIndex(stripe: Stripe, rankedTiers: readonly string[], pastDue: PastDuePolicy, calls: StripeCalls, also?: LegacyTiers): Promise<Map<string, number>> {
  const index = new Map<string, number>();
  const products = new Map<string, Promise<Stripe.Product | Stripe.DeletedProduct>>();
  let after: string | undefined;
  for (;;) {
    // The default status filter lists every subscription that is not canceled; statusGrants decides.
    const page = await stripe.subscriptions.list({ limit: PAGE, expand: ['data.customer'], ...(after ? { starting_after: after } : {}) }, { timeout: TIMEOUT });
    calls.list++;
    for (const sub of page.data) {
      if (!statusGrants(sub.status, pastDue)) continue;
      const customer = sub.customer;
      if (typeof customer === 'string' || ('deleted' in customer && customer.deleted)) continue;
      const c = customer as Stripe.Customer;
      if (!c.email) continue;
      const key = emailKey(c.email);
      if (off(c.metadata)) {
        index.set(key, -1);
        continue;
      }
      for (const item of sub.items.data) {
        const tier = await tierOfItem(stripe, item, products, TIMEOUT, also);
        const rank = tier ? rankedTiers.indexOf(tier) : -1;
        if (rank >= 0 && (index.get(key) ?? -2) !== -1 && rank > (index.get(key) ?? -2)) index.set(key, rank);
      }
    }
    if (!page.has_more || page.data.length === 0) break;
    after = page.data[page.data.length - 1]!.id;
  }
  calls.other += products.size;
  return index;
}

/**
 * Every customer in a stable order, with the recipient it stands for, once per address, in a stable order (customers created at or before `createdBefore`,
 * as Stripe lists them). `seen` collects the digest of every address handled, sent or not.
 */
export async function* recipients(
  stripe: Stripe,
  options: { rankedTiers: readonly string[]; members: Map<string, number>; createdBefore: number; seen: Set<string>; calls: StripeCalls },
): AsyncGenerator<{ customer: string; recipient?: Recipient }> {
  let after: string | undefined;
  for (;;) {
    const page = await stripe.customers.list({ limit: PAGE, created: { lte: options.createdBefore }, ...(after ? { starting_after: after } : {}) }, { timeout: TIMEOUT });
    options.calls.list++;
    for (const c of page.data) {
      // Every customer is reported once, recipient or not, so a resume finds its place by customer id.
      yield { customer: c.id, ...recipientOf(c, options) };
    }
    if (!page.has_more || page.data.length === 0) break;
    after = page.data[page.data.length - 1]!.id;
  }
}

function recipientOf(c: Stripe.Customer, options: { rankedTiers: readonly string[]; members: Map<string, number>; seen: Set<string> }): { recipient?: Recipient } {
  if (!c.email) return {};
  const key = emailKey(c.email);
  const rank = options.members.get(key);
  const follower = c.metadata?.[FOLLOWER_METADATA] === 'yes';
  if (rank === undefined && !follower) return {};
  const d = digest(key);
  if (options.seen.has(d)) return {};
  options.seen.add(d);
  if (rank === -1 || off(c.metadata)) return {};
  const audience: Audience = rank !== undefined ? { kind: 'tier', tier: options.rankedTiers[rank]! } : FOLLOWER;
  return { recipient: { customer: c.id, email: c.email.trim(), name: c.name ?? undefined, audience } };
}
