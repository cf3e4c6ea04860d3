// Two years of a membership of 10,000 fans, written straight into the Stripe stand-in's state with its own
// object shapes (tools/stripe-local/shapes.ts), in creation order: the same objects the hosted checkout and
// the test clock would leave, without 10,000 checkouts over HTTP. Deterministic: one seed, one history.

import { lookupKey } from '../src/core/manifest.ts';
import { addInterval, type Recurring } from '../tools/stripe-local/money.ts';
import {
  checkoutSessionShape,
  customerDetails,
  customerShape,
  invoiceLineShape,
  invoiceShape,
  priceShape,
  productShape,
  subscriptionItemShape,
  subscriptionShape,
} from '../tools/stripe-local/shapes.ts';
import { newId } from '../tools/stripe-local/ids.ts';
import { emptyState, type Kind, type StateData, type StripeObject } from '../tools/stripe-local/state.ts';

export interface HistoryTier {
  id: string;
  name: string;
  monthly?: number | undefined;
  yearly?: number | undefined;
}

export interface HistoryOptions {
  fans: number;
  /** The end of the history (unix ms); the stand-in's clock is frozen here. */
  nowMs: number;
  years: number;
  tiers: readonly HistoryTier[];
  currency: string;
  seed?: number;
}

/** A small, seeded generator (mulberry32): the same history every run, so runs compare. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FEEDBACK = ['too_expensive', 'unused', 'missing_features', 'switched_service', 'other', null] as const;
const POSTS = ['/posts/barn-sessions-one/', '/posts/tour-diary/', '/membership/', '/posts/demo-tape/', '/'];

export interface History {
  state: StateData;
  /** How many objects of each listed kind the history holds (what a full read pages through). */
  counts: Record<string, number>;
}

export function buildHistory(options: HistoryOptions): History {
  const rand = random(options.seed ?? 14);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const now = Math.floor(options.nowMs / 1000);
  const start = now - Math.round(options.years * 365 * 86_400);
  const made: { at: number; kind: Kind; object: StripeObject }[] = [];
  const add = (at: number, object: StripeObject, kind = object.object as Kind) => made.push({ at, kind, object });

  const prices: { tier: string; interval: 'month' | 'year'; price: StripeObject }[] = [];
  for (const tier of options.tiers) {
    const product = productShape({ now: start - 86_400, name: tier.name, description: null, active: true, metadata: { truefans_tier: tier.id } });
    add(start - 86_400, product);
    for (const interval of ['month', 'year'] as const) {
      const amount = interval === 'month' ? tier.monthly : tier.yearly;
      if (amount === undefined) continue;
      const price = priceShape({
        now: start - 86_400,
        product: product.id,
        currency: options.currency,
        unitAmount: Math.round(amount * 100),
        recurring: { interval, interval_count: 1, trial_period_days: null },
        customUnitAmount: null,
        lookupKey: lookupKey.tier(tier.id, interval),
        nickname: null,
        active: true,
        metadata: {},
      });
      add(start - 86_400, price);
      prices.push({ tier: tier.id, interval, price });
    }
  }

  for (let n = 0; n < options.fans; n++) {
    // Joins grow over the two years (more recent fans than early ones), as a site that finds its readers.
    const joined = start + Math.floor(Math.sqrt(rand()) * (now - start - 86_400));
    const { tier, interval, price } = pick(prices);
    const recurring = price.recurring as Recurring;
    const email = `fan${n}@fans.example`;
    const name = `Fan ${n}`;
    const customer = customerShape({ now: joined, email, name, description: null, phone: null, metadata: n % 7 === 0 ? { truefans_wall_name: `Fan ${n} of the barn` } : {} });
    add(joined, customer);

    const subscriptionId = newId('sub');
    // About a quarter leave after a while, a few are past due; the rest renew until now.
    const leaves = rand() < 0.25;
    const endsAt = leaves ? joined + Math.floor(rand() * (now - joined)) : null;
    const pastDue = !leaves && rand() < 0.02;
    let periodStart = joined;
    let periodEnd = addInterval(joined, recurring);
    const invoices: StripeObject[] = [];
    for (let cycle = 0; periodStart <= (endsAt ?? now); cycle++) {
      const invoiceId = newId('in');
      const amount = Number(price.unit_amount);
      const line = invoiceLineShape({ invoice: invoiceId, subscription: subscriptionId, subscriptionItem: 'si_placeholder', price, quantity: 1, amount, discount: 0, discountId: null, periodStart, periodEnd, description: `1 × ${tier} (at ${amount / 100} / ${interval})` });
      const invoice = invoiceShape({
        now: periodStart,
        id: invoiceId,
        customer,
        number: `${String(customer.invoice_prefix)}-${String(cycle + 1).padStart(4, '0')}`,
        subscription: subscriptionId,
        subscriptionMetadata: { truefans_tier: tier },
        billingReason: cycle === 0 ? 'subscription_create' : 'subscription_cycle',
        currency: options.currency,
        lines: [line],
        subtotal: amount,
        discount: 0,
        discountId: null,
        periodStart,
        periodEnd,
        hostedUrl: `http://stand-in.invalid/i/${invoiceId}`,
      });
      const unpaid = pastDue && periodEnd > now;
      Object.assign(invoice, { status: unpaid ? 'open' : 'paid', attempted: true, attempt_count: 1, amount_paid: unpaid ? 0 : amount, amount_remaining: unpaid ? amount : 0 });
      if (!unpaid) (invoice.status_transitions as Record<string, unknown>).paid_at = periodStart;
      invoices.push(invoice);
      if (periodEnd > (endsAt ?? now)) break;
      periodStart = periodEnd;
      periodEnd = addInterval(periodStart, recurring);
    }
    const item = subscriptionItemShape({ now: joined, subscription: subscriptionId, price: price.id, quantity: 1, periodStart, periodEnd });
    for (const invoice of invoices) ((invoice.lines as { data: StripeObject[] }).data[0]!.parent as { subscription_item_details: { subscription_item: string } }).subscription_item_details.subscription_item = item.id;
    const subscription = subscriptionShape({ now: joined, id: subscriptionId, customer: customer.id, currency: options.currency, items: [item], status: 'active', trialStart: null, trialEnd: null, defaultPaymentMethod: null, metadata: { truefans_tier: tier }, description: null, discounts: [] });
    subscription.latest_invoice = invoices.at(-1)!.id;
    if (endsAt !== null) {
      const feedback = pick(FEEDBACK);
      Object.assign(subscription, { status: 'canceled', canceled_at: endsAt, ended_at: endsAt, cancellation_details: { reason: 'cancellation_requested', feedback, comment: feedback === 'other' ? 'Moving on for now' : null } });
    } else if (pastDue) {
      subscription.status = 'past_due';
    }
    add(joined, subscription);
    for (const invoice of invoices) add(Number(invoice.created), invoice);

    const session = checkoutSessionShape({
      now: joined,
      id: newId('cs'),
      url: '',
      mode: 'subscription',
      currency: options.currency,
      amountSubtotal: Number(price.unit_amount),
      amountTotal: Number(price.unit_amount),
      allowPromotionCodes: null,
      cancelUrl: null,
      successUrl: 'https://maren.example/_truefans/checkout/complete?session_id={CHECKOUT_SESSION_ID}',
      clientReferenceId: null,
      customer: null,
      customerEmail: null,
      customerCreation: null,
      expiresAt: joined + 86_400,
      metadata: { truefans_kind: 'tier', truefans_tier: tier, truefans_return: pick(POSTS) },
      locale: null,
      submitType: null,
    });
    Object.assign(session, { status: 'complete', payment_status: 'paid', url: null, customer: customer.id, subscription: subscriptionId, invoice: invoices[0]!.id, customer_details: customerDetails(email, name) });
    add(joined, session);
  }

  made.sort((a, b) => a.at - b.at);
  const state = emptyState({ frozen: true, ms: options.nowMs });
  const counts: Record<string, number> = {};
  for (const { kind, object } of made) {
    state.objects[kind][object.id] = object;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return { state, counts };
}
