// What a customer holds, read from Stripe: tiers from their subscriptions (by the price's lookup key
// `truefans:tier:<id>:<interval>`, or `truefans_tier` metadata on the price or product), offers from their
// completed one-time checkouts (metadata `truefans_offer`). Stripe is the record; nothing is stored here.

import type Stripe from 'stripe';
import { WALL_FIELD } from '../../core/wall.ts';
import type { Entitlements } from '../../core/access.ts';
import type { CheckoutRecord, ReadOptions, SubscriptionRecord } from '../../core/billing.ts';
import { LAPSED, offerOfCheckout, statusGrants, tierOfSubscriptionItem, type LegacyTiers } from '../../core/holdings.ts';
import { RECHECK_TIMEOUT_MS } from './client.ts';

const TIER_KEY = /^truefans:tier:([a-z0-9][a-z0-9-]*):(month|year)$/;

/** Truefans' own mark on a price: its lookup key, else `truefans_tier` metadata on it or its (expanded) product. */
function ownTierOfPrice(price: Pick<Stripe.Price, 'lookup_key' | 'metadata' | 'product'>): string | undefined {
  const m = price.lookup_key ? TIER_KEY.exec(price.lookup_key) : null;
  if (m) return m[1];
  if (price.metadata?.truefans_tier) return price.metadata.truefans_tier;
  const product = price.product;
  if (product && typeof product === 'object' && !('deleted' in product && product.deleted)) return (product as Stripe.Product).metadata?.truefans_tier || undefined;
  return undefined;
}

const productIdOf = (product: Stripe.Price['product'] | undefined): string | undefined => (typeof product === 'string' ? product : product?.id);

/**
 * The tier a price stands for, by the core's one rule (tierOfSubscriptionItem): truefans' own mark, else the
 * site's `also` mapping of the price or its product (a Ghost or Substack price in the same account).
 */
export function tierOfPrice(price: Pick<Stripe.Price, 'id' | 'lookup_key' | 'metadata' | 'product'>, also?: LegacyTiers): string | undefined {
  return tierOfSubscriptionItem({ ownMark: ownTierOfPrice(price), price: price.id, product: productIdOf(price.product) }, also);
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
export async function tierOfItem(stripe: Stripe, item: Stripe.SubscriptionItem, products: Map<string, Promise<Stripe.Product | Stripe.DeletedProduct>>, timeout: number, also?: LegacyTiers): Promise<string | undefined> {
  const tier = tierOfPrice(item.price, also);
  if (tier || typeof item.price.product !== 'string') return tier;
  const id = item.price.product;
  if (!products.has(id)) products.set(id, stripe.products.retrieve(id, {}, { timeout }));
  const product = await products.get(id)!;
  return 'deleted' in product && product.deleted ? undefined : (product as Stripe.Product).metadata?.truefans_tier || undefined;
}

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
      const tier = await tierOfItem(stripe, item, products, timeout, options.also);
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
 * The offer a one-time checkout bought, if the money is still the creator's (`refunded` is true only when
 * `amount_refunded` reaches the amount). The charge is read from `payment_intent.latest_charge`, which
 * callers expand.
 */
export function offerOfSession(session: Stripe.Checkout.Session): string | undefined {
  return offerOfCheckout({ mode: session.mode, status: session.status, paymentStatus: session.payment_status, moneyReturned: moneyReturned(session), metadata: session.metadata ?? {} });
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

/** Whether a subscription is one of the site's: a truefans tier price, or `truefans_tier` metadata. */
export function isSiteSubscription(sub: Stripe.Subscription): boolean {
  return sub.items.data.some((item) => tierOfPrice(item.price)) || !!sub.metadata?.truefans_tier;
}

export function subscriptionRecord(sub: Stripe.Subscription): SubscriptionRecord {
  const item = sub.items.data[0];
  return {
    id: sub.id,
    status: sub.status,
    trialEnd: sub.trial_end ?? undefined,
    startDate: sub.start_date,
    firstItem: item ? { amount: (item.price.unit_amount ?? 0) * (item.quantity ?? 1), interval: item.price.recurring?.interval } : undefined,
    site: isSiteSubscription(sub),
  };
}

const idOf = (value: string | { id: string; deleted?: unknown } | null | undefined): string | undefined =>
  typeof value === 'string' ? value : value && !value.deleted ? value.id : undefined;

export function checkoutRecord(session: Stripe.Checkout.Session): CheckoutRecord {
  const sub = session.subscription;
  return {
    id: session.id,
    status: session.status,
    paymentStatus: session.payment_status,
    mode: session.mode,
    created: session.created,
    customer: idOf(session.customer),
    metadata: session.metadata ?? {},
    amountTotal: session.amount_total,
    currency: session.currency,
    email: session.customer_details?.email ?? undefined,
    name: session.customer_details?.name ?? undefined,
    subscriptionId: idOf(sub),
    subscription: sub && typeof sub === 'object' ? subscriptionRecord(sub) : undefined,
    moneyReturned: moneyReturned(session),
    wallName: session.custom_fields?.find((f) => f.key === WALL_FIELD.key)?.text?.value ?? undefined,
  };
}
