// A gift as the core reads it from its paid Checkout Session, and its redemption: claimed before anything
// slow (in this isolate and, with one, in the store), marked on the session before and after the
// subscription is made, and made under an idempotency key derived from the session (billing.giveMembership),
// so two tabs, two instances or a retry after a crash give one subscription to one recipient.

import type { App } from '../context.ts';
import { tierName } from '../context.ts';
import { isMissing, stripeFailure, type CheckoutRecord } from '../billing.ts';
import { claim, release } from '../claims.ts';
import { Errors } from '../errors.ts';
import { HttpProblem } from '../http/problem.ts';
import { lookupKey } from '../manifest.ts';
import { durationText, GIFT_KIND, GIFT_META, giftEnd, readClaim, readRedemption, REDEEM_WITHIN_SECONDS, type Redemption } from './rules.ts';
import type { GiftSummary } from '../pages/gift-views.ts';

export interface Gift {
  session: string;
  tier: string;
  months: number;
  /** Seconds. */
  boughtAt: number;
  summary: GiftSummary;
  refunded: boolean;
  expired: boolean;
  redeemed: Redemption | undefined;
  claimedBy: string | undefined;
  deliverTo: string | undefined;
  deliverOn: string | undefined;
  delivered: boolean;
}

/** The gift a checkout holds, if it is a paid gift of a tier this site still has. */
export function giftOf(app: App, c: CheckoutRecord): Gift | undefined {
  const m = c.metadata;
  if (m.truefans_kind !== GIFT_KIND || c.mode !== 'payment' || c.status !== 'complete' || c.paymentStatus !== 'paid') return undefined;
  const tier = m[GIFT_META.tier] ?? '';
  const months = Number(m[GIFT_META.months]);
  if (!app.rankedTiers.includes(tier) || !Number.isInteger(months) || months < 1 || months > 24) return undefined;
  const now = Math.floor(app.now() / 1000);
  return {
    session: c.id,
    tier,
    months,
    boughtAt: c.created,
    summary: { tier: tierName(app.manifest, tier), duration: durationText(months), to: m[GIFT_META.to] || undefined, from: m[GIFT_META.from] || undefined, message: m[GIFT_META.message] || undefined },
    refunded: c.moneyReturned,
    expired: now - c.created > REDEEM_WITHIN_SECONDS,
    redeemed: readRedemption(m[GIFT_META.redeemed]),
    claimedBy: readClaim(m[GIFT_META.claim])?.customer,
    deliverTo: m[GIFT_META.deliverTo] || undefined,
    deliverOn: m[GIFT_META.deliverOn] || undefined,
    delivered: Boolean(m[GIFT_META.delivered]),
  };
}

const notFound = () => new HttpProblem(Errors.GiftNotFound);

/** Reads the gift fresh from Stripe (with its charge, so a refund shows); a session that is not one is a 404. */
export async function readGift(app: App, session: string): Promise<Gift> {
  let record: CheckoutRecord;
  try {
    record = await app.billing.readCheckout(session);
  } catch (error) {
    if (isMissing(error)) throw notFound();
    throw stripeFailure(error, 'reading a gift');
  }
  const gift = giftOf(app, record);
  if (!gift) throw notFound();
  return gift;
}

/** Whether holding `tiers` already opens everything the gift's tier would. */
export function covers(app: App, tiers: readonly string[], tier: string): boolean {
  const need = app.rankedTiers.indexOf(tier);
  return tiers.some((t) => app.rankedTiers.indexOf(t) >= need);
}

const claimKey = (session: string) => `tf:gift:${session}`;
/** The in-isolate (and store) claim lasts while one redemption runs. */
const REDEEMING_SECONDS = 120;

/**
 * Redeems a gift for a customer, once. `already` is true when this same customer had redeemed it (a second
 * press of the button, a reload). Refuses a refunded or expired gift, one redeemed or claimed by another
 * customer, and a recipient who already holds the tier or higher (`heldTiers`).
 */
export async function redeemGift(app: App, session: string, customer: string, heldTiers: readonly string[]): Promise<{ redemption: Redemption; until: number; already: boolean; tier: string }> {
  if (!(await claim(app, claimKey(session), REDEEMING_SECONDS))) throw new HttpProblem(Errors.GiftBusy);
  try {
    const gift = await readGift(app, session);
    if (gift.redeemed) {
      if (gift.redeemed.customer !== customer) throw new HttpProblem(Errors.GiftTaken);
      return { redemption: gift.redeemed, until: giftEnd(gift.redeemed.at, gift.months), already: true, tier: gift.tier };
    }
    if (gift.refunded) throw new HttpProblem(Errors.GiftUnavailable, { why: 'refunded' });
    if (gift.expired) throw new HttpProblem(Errors.GiftUnavailable, { why: 'expired' });
    if (gift.claimedBy && gift.claimedBy !== customer) throw new HttpProblem(Errors.GiftTaken);
    if (covers(app, heldTiers, gift.tier)) throw new HttpProblem(Errors.GiftNotNeeded);
    const now = Math.floor(app.now() / 1000);
    try {
      // The durable mark of who is redeeming, before the subscription: a crash between the two leaves the
      // gift bound to this recipient, whose retry finds the subscription by its metadata.
      if (!gift.claimedBy) await app.billing.markCheckout(session, GIFT_META.claim, `${customer} ${now}`);
      const price = (await app.billing.findPrice(lookupKey.tier(gift.tier, gift.months % 12 === 0 ? 'year' : 'month'))) ?? (await app.billing.findPrice(lookupKey.tier(gift.tier, gift.months % 12 === 0 ? 'month' : 'year')));
      if (!price) throw new HttpProblem(Errors.StripePriceMissing, { key: lookupKey.tier(gift.tier, 'year'), problem: 'does not exist in this Stripe account' });
      const until = giftEnd(now, gift.months);
      const given = await app.billing.giveMembership({ session, customer, price: price.id, tier: gift.tier, until });
      if ('taken' in given) throw new HttpProblem(Errors.GiftTaken);
      const redemption = { subscription: given.subscription, customer, at: now };
      await app.billing.markCheckout(session, GIFT_META.redeemed, `${redemption.subscription} ${customer} ${now}`);
      return { redemption, until, already: false, tier: gift.tier };
    } catch (error) {
      if (error instanceof HttpProblem) throw error;
      throw stripeFailure(error, 'redeeming a gift');
    }
  } finally {
    // Once done the session's mark is the record; the claim only serialised this attempt.
    await release(app, claimKey(session));
  }
}
