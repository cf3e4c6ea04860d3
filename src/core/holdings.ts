// The rules that turn what a provider reports into what a fan holds: which subscription statuses grant
// access, which checkout opens an offer, and how a fan's several customers add up. Pure; the billing
// implementation and the routes both use them, so there is one table.

import type { Entitlements } from './access.ts';
import type { CheckoutRecord, Holding, ReadOptions } from './billing.ts';
import type { PastDuePolicy } from './env.ts';

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

/**
 * Stripe products and prices from elsewhere (a Ghost or Substack site on the same Stripe account) that count
 * as a tier: id -> tier id, from site.yaml `tiers[].also` (the manifest's `tiers[].also`).
 */
export type LegacyTiers = Readonly<Record<string, string>>;

export function legacyTiersOf(tiers: readonly { id: string; also?: readonly string[] | undefined }[]): LegacyTiers {
  const out: Record<string, string> = {};
  for (const tier of tiers) for (const id of tier.also ?? []) out[id] ??= tier.id;
  return out;
}

/**
 * The one rule for which tier a subscription item stands for, used by every output (pages, feeds, email,
 * the dashboard): truefans' own mark on the price (`ownMark`: its lookup key or `truefans_tier` metadata)
 * first, else the price id, else its product id, as `also` maps them. Nothing else counts.
 */
export function tierOfSubscriptionItem(item: { ownMark: string | undefined; price: string; product: string | undefined }, also: LegacyTiers | undefined): string | undefined {
  if (item.ownMark) return item.ownMark;
  if (!also) return undefined;
  if (Object.hasOwn(also, item.price)) return also[item.price];
  return item.product !== undefined && Object.hasOwn(also, item.product) ? also[item.product] : undefined;
}

/** Statuses of a membership that has ended for good or stopped paying: the fan is "lapsed", welcome back. */
export const LAPSED = new Set(['canceled', 'unpaid', 'incomplete_expired']);

/**
 * The offer a one-time checkout bought, if the money is still the creator's: a payment whose charge was
 * fully refunded or disputed opens nothing. A checkout read without its charge (right at completion) is
 * judged on its payment status alone.
 */
export function offerOfCheckout(checkout: Pick<CheckoutRecord, 'mode' | 'status' | 'paymentStatus' | 'moneyReturned' | 'metadata'>): string | undefined {
  if (checkout.mode !== 'payment' || checkout.status !== 'complete') return undefined;
  if (checkout.paymentStatus !== 'paid' && checkout.paymentStatus !== 'no_payment_required') return undefined;
  if (checkout.moneyReturned) return undefined;
  return checkout.metadata.truefans_offer || undefined;
}

export function hasAny(ent: Entitlements): boolean {
  return ent.tiers.length > 0 || ent.offers.length > 0;
}

export function unionOf(holdings: readonly Holding[], options: Pick<ReadOptions, 'tierIds' | 'offerIds'>): Entitlements {
  return mergeEntitlements(holdings.map((h) => h.ent), options);
}

/** Everything any of `all` holds, in the site's order. */
export function mergeEntitlements(all: readonly Entitlements[], options: Pick<ReadOptions, 'tierIds' | 'offerIds'>): Entitlements {
  const tiers = options.tierIds.filter((t) => all.some((ent) => ent.tiers.includes(t)));
  const offers = options.offerIds.filter((o) => all.some((ent) => ent.offers.includes(o)));
  // Lapsed only while nothing is held anywhere; the interval is the one that pays for the top tier.
  const lapsed = tiers.length ? [] : options.tierIds.filter((t) => all.some((ent) => ent.lapsed?.includes(t)));
  const top = tiers[tiers.length - 1];
  const interval = top ? all.find((ent) => ent.tiers.includes(top) && ent.interval)?.interval : undefined;
  return { tiers, offers, ...(lapsed.length ? { lapsed } : {}), ...(interval ? { interval } : {}) };
}

/**
 * The customer a verified fan buys and manages as by default: the newest holding a tier (so a second tier
 * purchase lands beside the first and Checkout can refuse a double), else the newest holding anything,
 * else the newest.
 */
export function primaryOf(holdings: readonly Holding[]): string | undefined {
  return (holdings.find((h) => h.ent.tiers.length > 0) ?? holdings.find((h) => hasAny(h.ent)) ?? holdings[0])?.customer;
}
