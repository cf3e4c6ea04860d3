// Gift memberships over Stripe: the recipient's customer, their gift subscription (made once per gift
// session), ending it after a refund, and finding gift checkouts. Stripe has no compare-and-swap on
// metadata, so "once" rests on what Stripe makes atomic: an idempotency key derived from the gift's session.

import type Stripe from 'stripe';
import type { CheckoutRecord, GiftGrant } from '../../core/billing.ts';
import { GIFT_KIND, GIFT_SUBSCRIPTION_MARK } from '../../core/gifts/rules.ts';
import { checkoutRecord, listAll, SESSION_CHARGE_EXPAND } from './entitlements.ts';
import { customersByEmail, EMAIL_KEY, normalEmail } from './fans.ts';
import { followIdempotencyKey } from './followers.ts';

function isIdempotencyConflict(error: unknown): boolean {
  // Reused with other parameters: `idempotency_error`; still in flight elsewhere: 409.
  const e = error as { type?: string; rawType?: string; statusCode?: number } | null;
  return e?.type === 'StripeIdempotencyError' || e?.rawType === 'idempotency_error' || e?.statusCode === 409;
}

export async function customerFor(stripe: Stripe, email: string, log: (line: string) => void): Promise<string> {
  const wanted = normalEmail(email);
  const existing = (await customersByEmail(stripe, wanted, log))[0];
  if (existing) return existing.id;
  // The same key as a follower's customer for this address: whichever comes first makes the one customer.
  const key = (await followIdempotencyKey(wanted)).replace('truefans-follow-', 'truefans-person-');
  try {
    return (await stripe.customers.create({ email: wanted, metadata: { [EMAIL_KEY]: wanted } }, { idempotencyKey: key })).id;
  } catch (error) {
    if (!isIdempotencyConflict(error)) throw error;
    // `list({ email })` reads Stripe's records directly (no search lag): the racer's customer is there.
    const made = (await stripe.customers.list({ email: wanted, limit: 1 })).data[0];
    if (!made) throw error;
    return made.id;
  }
}

async function giftSubscriptionOf(stripe: Stripe, customer: string, session: string): Promise<Stripe.Subscription | undefined> {
  const subs = await listAll((after) => stripe.subscriptions.list({ customer, status: 'all', limit: 100, ...(after ? { starting_after: after } : {}) }));
  return subs.find((s) => s.metadata?.[GIFT_SUBSCRIPTION_MARK] === session);
}

export async function giveMembership(stripe: Stripe, grant: GiftGrant): Promise<{ subscription: string } | { taken: true }> {
  const made = await giftSubscriptionOf(stripe, grant.customer, grant.session);
  if (made) return { subscription: made.id };
  try {
    const sub = await stripe.subscriptions.create(
      {
        customer: grant.customer,
        items: [{ price: grant.price, quantity: 1 }],
        // A free trial needs no payment method (docs.stripe.com/billing/subscriptions/trials/free-trials);
        // `trial_end` "can be at most two years from billing_cycle_anchor" (SubscriptionCreateParams), which
        // is why site.yaml caps gift durations at 24 months.
        trial_end: grant.until,
        // Never charged: with no card on file Stripe cancels at the trial's end instead of invoicing, and
        // `cancel_at` the same moment cancels it even for a recipient whose customer has a card.
        trial_settings: { end_behavior: { missing_payment_method: 'cancel' } },
        cancel_at: grant.until,
        metadata: { [GIFT_SUBSCRIPTION_MARK]: grant.session, truefans_tier: grant.tier },
      },
      // One subscription per gift, whoever asks: Stripe replays the first answer for 24 hours and refuses the
      // key with other parameters (docs.stripe.com/api/idempotent_requests). Beyond 24 hours the session's
      // own marks (written by the core before and after) are the record.
      { idempotencyKey: `truefans-gift-${grant.session}` },
    );
    return { subscription: sub.id };
  } catch (error) {
    if (!isIdempotencyConflict(error)) throw error;
    // Someone redeemed with this key: ours if the subscription is on this customer, else taken.
    const mine = await giftSubscriptionOf(stripe, grant.customer, grant.session);
    return mine ? { subscription: mine.id } : { taken: true };
  }
}

export async function endSubscription(stripe: Stripe, id: string): Promise<void> {
  const sub = await stripe.subscriptions.retrieve(id);
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') return;
  await stripe.subscriptions.cancel(id);
}

export async function checkoutOfPayment(stripe: Stripe, paymentIntent: string): Promise<CheckoutRecord | undefined> {
  // Checkout Sessions can be listed by `payment_intent` (SessionListParams), one at most.
  const session = (await stripe.checkout.sessions.list({ payment_intent: paymentIntent, limit: 1, expand: [`data.${SESSION_CHARGE_EXPAND}`] })).data[0];
  return session ? checkoutRecord(session) : undefined;
}

/** Pages of 100 complete sessions read at most; a site selling more gifts a year than this needs a store. */
const GIFT_PAGES = 10;

export async function giftCheckouts(stripe: Stripe, sinceSeconds: number): Promise<CheckoutRecord[]> {
  const out: CheckoutRecord[] = [];
  let after: string | undefined;
  for (let page = 0; page < GIFT_PAGES; page++) {
    const list = await stripe.checkout.sessions.list({ status: 'complete', created: { gte: sinceSeconds }, limit: 100, ...(after ? { starting_after: after } : {}) });
    for (const s of list.data) if (s.metadata?.truefans_kind === GIFT_KIND) out.push(checkoutRecord(s));
    if (!list.has_more || !list.data.length) break;
    after = list.data[list.data.length - 1]!.id;
  }
  return out;
}
