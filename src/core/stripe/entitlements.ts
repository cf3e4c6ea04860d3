// What a customer holds, read from Stripe: tiers from their subscriptions (by the price's lookup key
// `truefans:tier:<id>:<interval>`, or `truefans_tier` metadata on the price or product), offers from their
// completed one-time checkouts (metadata `truefans_offer`). Stripe is the record; nothing is stored here.

import type Stripe from 'stripe';
import type { Entitlements } from '../access.ts';
import type { PastDuePolicy } from '../env.ts';
import { RECHECK_TIMEOUT_MS } from './client.ts';

/**
 * The subscription status table. `active` and `trialing` grant access; `past_due` follows
 * TRUEFANS_PAST_DUE (default keep, while Stripe retries the card); `unpaid` means Stripe has stopped
 * retrying (its retry setting "mark the subscription as unpaid"), so access ends whatever the policy says;
 * everything else grants none.
 */
export function statusGrants(status: string, pastDue: PastDuePolicy): boolean {
  switch (status) {
    case 'active':
    case 'trialing':
      return true;
    case 'past_due':
      return pastDue === 'keep';
    default:
      // canceled, incomplete, incomplete_expired, paused, and any status Stripe adds later
      return false;
  }
}

const TIER_KEY = /^truefans:tier:([a-z0-9][a-z0-9-]*):(month|year)$/;

export function tierOfPrice(price: Pick<Stripe.Price, 'lookup_key' | 'metadata' | 'product'>): string | undefined {
  const m = price.lookup_key ? TIER_KEY.exec(price.lookup_key) : null;
  if (m) return m[1];
  if (price.metadata?.truefans_tier) return price.metadata.truefans_tier;
  const product = price.product;
  if (product && typeof product === 'object' && !('deleted' in product && product.deleted)) return (product as Stripe.Product).metadata?.truefans_tier || undefined;
  return undefined;
}

export interface ReadOptions {
  pastDue: PastDuePolicy;
  /** The site's tier and offer ids; anything else is left out of the cookie. */
  tierIds: readonly string[];
  offerIds: readonly string[];
  timeoutMs?: number;
}

const MAX_PAGES = 10;

export async function listAll<T extends { id: string }>(page: (startingAfter: string | undefined) => Promise<Stripe.ApiList<T>>): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const list = await page(after);
    out.push(...list.data);
    if (!list.has_more || list.data.length === 0) break;
    after = list.data[list.data.length - 1]!.id;
  }
  return out;
}

/** The tier a subscription item stands for, reading the product when the price does not say. */
export async function tierOfItem(stripe: Stripe, item: Stripe.SubscriptionItem, products: Map<string, Promise<Stripe.Product | Stripe.DeletedProduct>>, timeout: number): Promise<string | undefined> {
  const tier = tierOfPrice(item.price);
  if (tier || typeof item.price.product !== 'string') return tier;
  const id = item.price.product;
  if (!products.has(id)) products.set(id, stripe.products.retrieve(id, {}, { timeout }));
  const product = await products.get(id)!;
  return 'deleted' in product && product.deleted ? undefined : (product as Stripe.Product).metadata?.truefans_tier || undefined;
}

/** Statuses of a membership that has ended for good or stopped paying: the fan is "lapsed", welcome back. */
const LAPSED = new Set(['canceled', 'unpaid', 'incomplete_expired']);

/** What the subscriptions say: tiers held (with the interval of the highest), and tiers that lapsed. */
export async function tierStatesFromSubscriptions(
  stripe: Stripe,
  subscriptions: readonly Stripe.Subscription[],
  options: ReadOptions,
  timeout: number,
): Promise<{ tiers: string[]; lapsed: string[]; interval: 'month' | 'year' | undefined }> {
  const tiers = new Map<string, 'month' | 'year' | undefined>();
  const lapsed = new Set<string>();
  const products = new Map<string, Promise<Stripe.Product | Stripe.DeletedProduct>>();
  for (const sub of subscriptions) {
    const grants = statusGrants(sub.status, options.pastDue);
    if (!grants && !LAPSED.has(sub.status)) continue;
    for (const item of sub.items?.data ?? []) {
      const tier = await tierOfItem(stripe, item, products, timeout);
      if (!tier || !options.tierIds.includes(tier)) continue;
      const interval: string | undefined = item.price.recurring?.interval;
      if (grants) tiers.set(tier, interval === 'month' || interval === 'year' ? interval : undefined);
      else lapsed.add(tier);
    }
  }
  const held = options.tierIds.filter((t) => tiers.has(t));
  const top = held[held.length - 1];
  return {
    tiers: held,
    // Only a fan who holds no tier now is welcomed back.
    lapsed: held.length ? [] : options.tierIds.filter((t) => lapsed.has(t)),
    interval: top ? tiers.get(top) : undefined,
  };
}

/**
 * The offer a one-time checkout bought, if the money is still the creator's: a payment whose charge was
 * fully refunded (`refunded` is true only when `amount_refunded` reaches the amount) or disputed opens
 * nothing. The charge is read from `payment_intent.latest_charge`, which callers expand; a session read
 * without it (right at completion) is judged on its payment status alone.
 */
export function offerOfSession(session: Stripe.Checkout.Session): string | undefined {
  if (session.mode !== 'payment' || session.status !== 'complete') return undefined;
  if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') return undefined;
  if (moneyReturned(session)) return undefined;
  return session.metadata?.truefans_offer || undefined;
}

export function moneyReturned(session: Stripe.Checkout.Session): boolean {
  const intent = session.payment_intent;
  const charge = intent && typeof intent === 'object' ? intent.latest_charge : null;
  return !!charge && typeof charge === 'object' && (charge.refunded || charge.disputed);
}

/** Expands a one-time checkout's charge, so a refund or dispute is seen (Stripe allows four levels). */
export const SESSION_CHARGE_EXPAND = 'payment_intent.latest_charge';

/** Reads a customer's entitlements from Stripe: two list calls in parallel, each with a short timeout. */
export async function readEntitlements(stripe: Stripe, customer: string, options: ReadOptions): Promise<Entitlements> {
  const timeout = options.timeoutMs ?? RECHECK_TIMEOUT_MS;
  const [subscriptions, sessions] = await Promise.all([
    listAll<Stripe.Subscription>((after) =>
      stripe.subscriptions.list({ customer, status: 'all', limit: 100, ...(after ? { starting_after: after } : {}) }, { timeout }),
    ),
    options.offerIds.length
      ? listAll<Stripe.Checkout.Session>((after) =>
          stripe.checkout.sessions.list({ customer, status: 'complete', limit: 100, expand: [`data.${SESSION_CHARGE_EXPAND}`], ...(after ? { starting_after: after } : {}) }, { timeout }),
        )
      : Promise.resolve([]),
  ]);
  const { tiers, lapsed, interval } = await tierStatesFromSubscriptions(stripe, subscriptions, options, timeout);
  const bought = new Set(sessions.map(offerOfSession).filter((o): o is string => !!o));
  return { tiers, offers: options.offerIds.filter((o) => bought.has(o)), ...(lapsed.length ? { lapsed } : {}), ...(interval ? { interval } : {}) };
}

export function hasAny(ent: Entitlements): boolean {
  return ent.tiers.length > 0 || ent.offers.length > 0;
}
