// Subscriptions over time, as Stripe bills them: starting one, invoicing and charging each period,
// trial ends, failed renewals (past_due, retries, then cancellation), and cancellation now or at period end.
// `processDue` is the test clock: it runs everything due up to a moment, in time order.
import type { Engine } from './engine.ts';
import { newId } from './ids.ts';
import { addInterval, formatMinor, type Recurring } from './money.ts';
import { discountShape, invoiceLineShape, invoiceShape, subscriptionItemShape, subscriptionShape } from './shapes.ts';
import { pendingSettlements, settle } from './settlements.ts';
import type { StripeObject } from './state.ts';

/** Retries of a failed renewal, in days after the previous attempt; after the last, the subscription is canceled. */
export const RETRY_DAYS: readonly number[] = [3, 5, 7];
/** Stripe expires an unpaid first invoice's subscription after 23 hours. */
const INCOMPLETE_EXPIRES_SEC = 23 * 3600;

type Item = StripeObject & { price: string; quantity: number; current_period_start: number; current_period_end: number };

export function itemsOf(subscription: StripeObject): Item[] {
  return (subscription.items as { data: Item[] }).data;
}

function recurringOf(engine: Engine, priceId: string): Recurring {
  const price = engine.store.require('price', priceId);
  return price.recurring as Recurring;
}

/** The subscription's fields as they are now, for `previous_attributes`. */
function snapshot(engine: Engine, subscription: StripeObject, keys: readonly string[]): Record<string, unknown> {
  const presented = engine.present(subscription);
  return Object.fromEntries(keys.map((key) => [key, presented[key]]));
}

function changedKeys(before: Record<string, unknown>, subscription: StripeObject, engine: Engine): Record<string, unknown> {
  const after = engine.present(subscription);
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(before)) {
    if (JSON.stringify(value) !== JSON.stringify(after[key])) changed[key] = value;
  }
  return changed;
}

const TRACKED = ['items', 'status', 'latest_invoice', 'cancel_at', 'cancel_at_period_end', 'canceled_at', 'cancellation_details', 'trial_end', 'default_payment_method', 'metadata', 'discounts', 'ended_at'] as const;

/** Applies `change` to a subscription and emits `customer.subscription.updated` with what changed. */
export function updateSubscription(engine: Engine, subscription: StripeObject, change: () => void): void {
  const before = snapshot(engine, subscription, TRACKED);
  change();
  engine.store.put(subscription);
  const previous = changedKeys(before, subscription, engine);
  if (Object.keys(previous).length > 0) engine.emit('customer.subscription.updated', subscription, previous);
}

// ---- discounts ------------------------------------------------------------------------------------

export function createDiscount(
  engine: Engine,
  input: { coupon: StripeObject; promotionCode: string | null; customer: string; subscription: string | null; checkoutSession: string | null },
): StripeObject {
  const now = engine.now();
  const months = input.coupon.duration === 'repeating' ? Number(input.coupon.duration_in_months ?? 1) : 0;
  const end = input.coupon.duration === 'repeating' ? addInterval(now, { interval: 'month', interval_count: months }) : null;
  const discount = discountShape({
    now,
    coupon: input.coupon.id,
    promotionCode: input.promotionCode,
    customer: input.customer,
    subscription: input.subscription,
    checkoutSession: input.checkoutSession,
    end,
  });
  engine.store.put(discount);
  input.coupon.times_redeemed = Number(input.coupon.times_redeemed) + 1;
  if (input.coupon.max_redemptions !== null && Number(input.coupon.times_redeemed) >= Number(input.coupon.max_redemptions)) {
    input.coupon.valid = false;
  }
  engine.store.put(input.coupon);
  if (input.promotionCode) {
    const promo = engine.store.require('promotion_code', input.promotionCode);
    promo.times_redeemed = Number(promo.times_redeemed) + 1;
    if (promo.max_redemptions !== null && Number(promo.times_redeemed) >= Number(promo.max_redemptions)) promo.active = false;
    engine.store.put(promo);
  }
  return discount;
}

/** What a coupon takes off an amount. */
export function couponAmountOff(coupon: StripeObject, subtotal: number): number {
  if (typeof coupon.percent_off === 'number') return Math.round((subtotal * coupon.percent_off) / 100);
  if (typeof coupon.amount_off === 'number') return Math.min(subtotal, coupon.amount_off);
  return 0;
}

/** The discount that applies to a subscription's next invoice, if any (a `once` coupon ends after its first). */
function activeDiscount(engine: Engine, subscription: StripeObject): { discount: StripeObject; coupon: StripeObject } | undefined {
  const [id] = subscription.discounts as string[];
  if (!id) return undefined;
  const discount = engine.store.get('discount', id);
  if (!discount) return undefined;
  if (discount.end !== null && engine.now() >= Number(discount.end)) return undefined;
  const coupon = engine.store.get('coupon', String((discount.source as { coupon: string }).coupon));
  return coupon ? { discount, coupon } : undefined;
}

// ---- invoices -------------------------------------------------------------------------------------

function createInvoice(engine: Engine, subscription: StripeObject, billingReason: string, zeroAmount: boolean): StripeObject {
  const now = engine.now();
  const customer = engine.store.require('customer', String(subscription.customer));
  const id = newId('in');
  const applied = zeroAmount ? undefined : activeDiscount(engine, subscription);
  let subtotal = 0;
  let totalDiscount = 0;
  const lines = itemsOf(subscription).map((item) => {
    const price = engine.store.require('price', item.price);
    const product = engine.store.get('product', String(price.product));
    const productName = String(product?.name ?? 'Subscription');
    const amount = zeroAmount ? 0 : Number(price.unit_amount ?? 0) * item.quantity;
    const discount = applied ? couponAmountOff(applied.coupon, amount) : 0;
    subtotal += amount;
    totalDiscount += discount;
    const trial = zeroAmount && subscription.status === 'trialing';
    return invoiceLineShape({
      invoice: id,
      subscription: subscription.id,
      subscriptionItem: item.id,
      price,
      quantity: item.quantity,
      amount,
      discount,
      discountId: applied?.discount.id ?? null,
      periodStart: item.current_period_start,
      periodEnd: item.current_period_end,
      description: trial
        ? `Trial period for ${productName}`
        : `${item.quantity} × ${productName} (at ${formatMinor(Number(price.unit_amount ?? 0), String(price.currency))} / ${(price.recurring as Recurring | null)?.interval ?? 'once'})`,
    });
  });
  const first = itemsOf(subscription)[0];
  const sequence = Number(customer.next_invoice_sequence);
  customer.next_invoice_sequence = sequence + 1;
  engine.store.put(customer);
  const invoice = invoiceShape({
    now,
    id,
    customer,
    number: `${String(customer.invoice_prefix)}-${String(sequence).padStart(4, '0')}`,
    subscription: subscription.id,
    subscriptionMetadata: subscription.metadata as Record<string, string>,
    billingReason,
    currency: String(subscription.currency),
    lines,
    subtotal,
    discount: totalDiscount,
    discountId: applied?.discount.id ?? null,
    periodStart: first?.current_period_start ?? now,
    periodEnd: first?.current_period_end ?? now,
    hostedUrl: `${engine.baseUrl}/i/${id}`,
  });
  if (applied && applied.coupon.duration === 'once') {
    applied.discount.end = now;
    engine.store.put(applied.discount);
  }
  engine.store.put(invoice);
  subscription.latest_invoice = id;
  engine.emit('invoice.created', invoice);
  engine.emit('invoice.finalized', invoice);
  return invoice;
}

/**
 * Charges an open invoice with the subscription's card. The first charge of 4000 0000 0000 0341 succeeds;
 * every later one fails, as in Stripe's test mode. Returns whether it was paid.
 */
export function payInvoice(engine: Engine, invoice: StripeObject, subscription: StripeObject, firstCharge: boolean): boolean {
  const now = engine.now();
  const amount = Number(invoice.amount_due);
  const paymentMethod = subscription.default_payment_method as string | null;
  const card = paymentMethod ? engine.store.data.cards[paymentMethod] : undefined;
  const fails = amount > 0 && (!paymentMethod || (card?.failsLater === true && !firstCharge));
  invoice.attempted = true;
  invoice.attempt_count = Number(invoice.attempt_count) + 1;
  if (!fails) {
    invoice.status = 'paid';
    invoice.amount_paid = amount;
    invoice.amount_remaining = 0;
    invoice.next_payment_attempt = null;
    invoice.default_payment_method = null;
    (invoice.status_transitions as Record<string, unknown>).paid_at = now;
    engine.store.put(invoice);
    engine.emit('invoice.paid', invoice);
    engine.emit('invoice.payment_succeeded', invoice);
    return true;
  }
  const retryIndex = Number(invoice.attempt_count) - 1;
  const retryDays = RETRY_DAYS[retryIndex];
  invoice.next_payment_attempt = retryDays === undefined || !paymentMethod ? null : now + retryDays * 86_400;
  engine.store.put(invoice);
  engine.emit('invoice.payment_failed', invoice);
  return false;
}

// ---- starting, renewing, cancelling ---------------------------------------------------------------

export interface StartInput {
  customer: StripeObject;
  items: { price: StripeObject; quantity: number }[];
  trialDays: number | null;
  trialEnd?: number | null;
  metadata: Record<string, string>;
  description: string | null;
  paymentMethod: string | null;
  coupon?: { coupon: StripeObject; promotionCode: string | null; checkoutSession: string | null } | undefined;
}

/**
 * Creates a subscription and its first invoice. With a trial it starts `trialing` with a $0 invoice;
 * otherwise it starts `incomplete` and becomes `active` once the first invoice is paid (Stripe's order
 * of events: created, invoice events, updated).
 */
export function startSubscription(engine: Engine, input: StartInput): StripeObject {
  const now = engine.now();
  const id = newId('sub');
  const firstPrice = input.items[0]?.price;
  if (!firstPrice) throw new Error('A subscription needs at least one item');
  const trialEnd = input.trialEnd ?? (input.trialDays ? now + input.trialDays * 86_400 : null);
  const items = input.items.map(({ price, quantity }) =>
    subscriptionItemShape({
      now,
      subscription: id,
      price: price.id,
      quantity,
      periodStart: now,
      periodEnd: trialEnd ?? addInterval(now, price.recurring as Recurring),
    }),
  );
  const subscription = subscriptionShape({
    now,
    id,
    customer: input.customer.id,
    currency: String(firstPrice.currency),
    items,
    status: trialEnd ? 'trialing' : 'incomplete',
    trialStart: trialEnd ? now : null,
    trialEnd,
    defaultPaymentMethod: input.paymentMethod,
    metadata: input.metadata,
    description: input.description,
    discounts: [],
  });
  if (input.coupon) {
    const discount = createDiscount(engine, {
      coupon: input.coupon.coupon,
      promotionCode: input.coupon.promotionCode,
      customer: input.customer.id,
      subscription: id,
      checkoutSession: input.coupon.checkoutSession,
    });
    subscription.discounts = [discount.id];
  }
  if (input.customer.currency === null) {
    input.customer.currency = subscription.currency;
    engine.store.put(input.customer);
  }
  engine.store.put(subscription);
  engine.emit('customer.subscription.created', subscription);
  const invoice = createInvoice(engine, subscription, 'subscription_create', trialEnd !== null);
  engine.store.put(subscription);
  const paid = payInvoice(engine, invoice, subscription, true);
  if (!trialEnd && paid) {
    updateSubscription(engine, subscription, () => {
      subscription.status = 'active';
    });
  }
  return subscription;
}

/** Starts the next period: a new invoice, charged; `active` if paid, `past_due` if not. */
function renew(engine: Engine, subscription: StripeObject): void {
  // A trial ending with no payment method on the subscription or its customer, under
  // trial_settings.end_behavior.missing_payment_method=cancel, is canceled instead of invoiced.
  const settings = subscription.trial_settings as { end_behavior?: { missing_payment_method?: string } } | null;
  if (subscription.status === 'trialing' && settings?.end_behavior?.missing_payment_method === 'cancel' && !hasPaymentMethod(engine, subscription)) {
    cancelSubscription(engine, subscription, 'cancellation_requested');
    return;
  }
  updateSubscription(engine, subscription, () => {
    for (const item of itemsOf(subscription)) {
      const start = item.current_period_end;
      item.current_period_start = start;
      item.current_period_end = addInterval(start, recurringOf(engine, item.price));
    }
    const invoice = createInvoice(engine, subscription, 'subscription_cycle', false);
    const paid = payInvoice(engine, invoice, subscription, false);
    subscription.status = paid ? 'active' : 'past_due';
  });
}

export function cancelSubscription(
  engine: Engine,
  subscription: StripeObject,
  reason: 'cancellation_requested' | 'payment_failed' | 'payment_disputed',
  extra: { comment?: string | null; feedback?: string | null } = {},
): void {
  const now = engine.now();
  subscription.status = 'canceled';
  subscription.canceled_at ??= now;
  subscription.ended_at = now;
  subscription.cancel_at_period_end = false;
  // The fan's feedback and comment, given when they scheduled the cancellation, stay on the subscription when
  // it ends (cancellation_details: "if the subscription was canceled explicitly by the user").
  const given = (subscription.cancellation_details ?? {}) as { comment?: string | null; feedback?: string | null };
  subscription.cancellation_details = { comment: extra.comment !== undefined ? extra.comment : (given.comment ?? null), feedback: extra.feedback !== undefined ? extra.feedback : (given.feedback ?? null), reason };
  engine.store.put(subscription);
  for (const invoice of engine.store.all('invoice')) {
    const parent = invoice.parent as { subscription_details?: { subscription?: string } } | null;
    if (parent?.subscription_details?.subscription === subscription.id && invoice.next_payment_attempt !== null) {
      invoice.next_payment_attempt = null;
      engine.store.put(invoice);
    }
  }
  engine.emit('customer.subscription.deleted', subscription);
}

/** Sets or clears "cancel at the end of this period", as the portal and `cancel_at_period_end` do. */
export function setCancelAtPeriodEnd(engine: Engine, subscription: StripeObject, cancel: boolean, feedback: string | null = null): void {
  updateSubscription(engine, subscription, () => {
    const end = subscription.status === 'trialing' ? Number(subscription.trial_end) : periodEnd(subscription);
    subscription.cancel_at_period_end = cancel;
    subscription.cancel_at = cancel ? end : null;
    subscription.canceled_at = cancel ? engine.now() : null;
    subscription.cancellation_details = { comment: null, feedback: cancel ? feedback : null, reason: cancel ? 'cancellation_requested' : null };
  });
}

export function periodEnd(subscription: StripeObject): number {
  return Math.min(...itemsOf(subscription).map((item) => item.current_period_end));
}

/**
 * Switches a subscription item to another price. Same interval: the period carries on and the new price
 * applies from the next renewal. Another interval: a new period starts now and is invoiced at once,
 * as Stripe resets the billing cycle when the interval changes. (No prorations either way.)
 */
export function switchPrice(engine: Engine, subscription: StripeObject, itemId: string, price: StripeObject, quantity?: number): void {
  updateSubscription(engine, subscription, () => {
    const item = itemsOf(subscription).find((candidate) => candidate.id === itemId);
    if (!item) return;
    const before = recurringOf(engine, item.price);
    const after = price.recurring as Recurring;
    item.price = price.id;
    item.plan = price.id;
    if (quantity !== undefined) item.quantity = quantity;
    const sameInterval = before.interval === after.interval && before.interval_count === after.interval_count;
    if (!sameInterval && subscription.status !== 'trialing') {
      const now = engine.now();
      for (const each of itemsOf(subscription)) {
        each.current_period_start = now;
        each.current_period_end = addInterval(now, recurringOf(engine, each.price));
      }
      subscription.billing_cycle_anchor = now;
      if (subscription.cancel_at_period_end) subscription.cancel_at = periodEnd(subscription);
      const invoice = createInvoice(engine, subscription, 'subscription_update', false);
      const paid = payInvoice(engine, invoice, subscription, false);
      subscription.status = paid ? 'active' : 'past_due';
    }
  });
}

/** Pays a past-due subscription's open invoice again (after a new card); `active` again on success. */
export function retryOpenInvoice(engine: Engine, invoice: StripeObject): boolean {
  const parent = invoice.parent as { subscription_details: { subscription: string } };
  const subscription = engine.store.require('subscription', parent.subscription_details.subscription);
  let paid = false;
  updateSubscription(engine, subscription, () => {
    paid = payInvoice(engine, invoice, subscription, false);
    if (paid && subscription.status === 'past_due' && !hasOtherOpenInvoice(engine, subscription, invoice.id)) {
      subscription.status = 'active';
    }
  });
  if (!paid && invoice.next_payment_attempt === null && subscription.status === 'past_due') {
    cancelSubscription(engine, subscription, 'payment_failed');
  }
  return paid;
}

function hasOtherOpenInvoice(engine: Engine, subscription: StripeObject, except: string): boolean {
  return engine.store.all('invoice').some((invoice) => {
    const parent = invoice.parent as { subscription_details?: { subscription?: string } } | null;
    return invoice.id !== except && invoice.status === 'open' && parent?.subscription_details?.subscription === subscription.id;
  });
}

function hasPaymentMethod(engine: Engine, subscription: StripeObject): boolean {
  if (subscription.default_payment_method) return true;
  const customer = engine.store.get('customer', String(subscription.customer));
  return Boolean((customer?.invoice_settings as { default_payment_method?: string | null } | undefined)?.default_payment_method);
}

/** Stripe: trial_will_end "occurs three days before a subscription's trial period is scheduled to end". */
const TRIAL_WILL_END_SEC = 3 * 86_400;

// ---- the clock ------------------------------------------------------------------------------------

interface Due {
  at: number;
  run: () => void;
}

function nextDue(engine: Engine, until: number): Due | undefined {
  let best: Due | undefined;
  const consider = (at: number, run: () => void) => {
    if (at <= until && (!best || at < best.at)) best = { at, run };
  };
  for (const subscription of engine.store.all('subscription').reverse()) {
    const status = subscription.status;
    const cancelAt = subscription.cancel_at as number | null;
    if (status === 'trialing') {
      const key = `${subscription.id}:${subscription.trial_end}`;
      const sent = (engine.store.data.trialWillEnd ??= {});
      if (!sent[key]) {
        consider(Math.max(Number(subscription.created), Number(subscription.trial_end) - TRIAL_WILL_END_SEC), () => {
          sent[key] = true;
          engine.emit('customer.subscription.trial_will_end', subscription);
        });
      }
    }
    if (status === 'trialing' || status === 'active' || status === 'past_due') {
      const boundary = status === 'trialing' ? Number(subscription.trial_end) : periodEnd(subscription);
      if (cancelAt !== null && cancelAt <= boundary) {
        consider(cancelAt, () => cancelSubscription(engine, subscription, 'cancellation_requested'));
      } else {
        consider(boundary, () => renew(engine, subscription));
      }
    } else if (status === 'incomplete') {
      consider(Number(subscription.created) + INCOMPLETE_EXPIRES_SEC, () =>
        updateSubscription(engine, subscription, () => {
          subscription.status = 'incomplete_expired';
          subscription.ended_at = engine.now();
        }),
      );
    }
  }
  for (const invoice of engine.store.all('invoice').reverse()) {
    if (invoice.status === 'open' && typeof invoice.next_payment_attempt === 'number') {
      consider(invoice.next_payment_attempt, () => retryOpenInvoice(engine, invoice));
    }
  }
  for (const settlement of pendingSettlements(engine)) consider(settlement.at, () => settle(engine, settlement));
  for (const session of engine.store.all('checkout.session').reverse()) {
    if (session.status === 'open') {
      consider(Number(session.expires_at), () => {
        session.status = 'expired';
        session.url = null;
        engine.store.put(session);
        engine.emit('checkout.session.expired', session);
      });
    }
  }
  return best;
}

/** Runs everything due up to `until` (Unix seconds), each at its own time, in order. */
/** The time and store version of the last pass that found nothing due: the same again has nothing due either. */
const quiet = new WeakMap<Engine, { until: number; version: number }>();

export function processDue(engine: Engine, until: number): void {
  // Every API call runs the clock first; a dashboard paging through 100,000 objects would otherwise walk
  // every subscription and invoice once per page although nothing changed in between.
  const last = quiet.get(engine);
  if (last && last.until === until && last.version === engine.store.version) return;
  for (let guard = 0; guard < 100_000; guard++) {
    const due = nextDue(engine, until);
    if (!due) {
      quiet.set(engine, { until, version: engine.store.version });
      return;
    }
    engine.at(due.at, due.run);
  }
  throw new Error('The Stripe stand-in clock found too much to do; is an interval zero?');
}

// ---- plan changes with proration (the portal's update confirmation) ------------------------------------

export interface PlanChangeQuote {
  /** Minor units charged at once: the prorated difference for the rest of the period (never negative). */
  dueNow: number;
  /** The same interval: the period carries on; otherwise a new one starts now at the full new price. */
  sameInterval: boolean;
  periodStart: number;
  periodEnd: number;
}

/**
 * What a change to `price` costs today, as Stripe's portal shows it with prorations invoiced at once
 * (`proration_behavior: always_invoice`): unused time on the old price is credited and the rest of the
 * period on the new price charged, by the second. A trial is not charged; a change of interval starts
 * a new period, invoiced in full (the stand-in does not credit the old one).
 */
export function quotePlanChange(engine: Engine, subscription: StripeObject, itemId: string, price: StripeObject): PlanChangeQuote {
  const item = itemsOf(subscription).find((candidate) => candidate.id === itemId)!;
  const old = engine.store.require('price', item.price);
  const before = old.recurring as Recurring;
  const after = price.recurring as Recurring;
  const sameInterval = before.interval === after.interval && before.interval_count === after.interval_count;
  const now = engine.now();
  const quantity = item.quantity;
  if (subscription.status === 'trialing') return { dueNow: 0, sameInterval, periodStart: item.current_period_start, periodEnd: item.current_period_end };
  if (!sameInterval) return { dueNow: Number(price.unit_amount ?? 0) * quantity, sameInterval, periodStart: now, periodEnd: addInterval(now, after) };
  const length = item.current_period_end - item.current_period_start;
  const left = Math.max(0, item.current_period_end - now);
  const difference = (Number(price.unit_amount ?? 0) - Number(old.unit_amount ?? 0)) * quantity;
  return { dueNow: Math.max(0, Math.round((difference * left) / Math.max(1, length))), sameInterval, periodStart: item.current_period_start, periodEnd: item.current_period_end };
}

/** Applies a confirmed plan change: the new price, and the prorated difference invoiced and charged now. */
export function changePlan(engine: Engine, subscription: StripeObject, itemId: string, price: StripeObject): void {
  const quote = quotePlanChange(engine, subscription, itemId, price);
  switchPrice(engine, subscription, itemId, price);
  if (!quote.sameInterval || quote.dueNow <= 0) return;
  const item = itemsOf(subscription).find((candidate) => candidate.id === itemId)!;
  const customer = engine.store.require('customer', String(subscription.customer));
  const id = newId('in');
  const product = engine.store.get('product', String(price.product));
  const line = invoiceLineShape({
    invoice: id,
    subscription: subscription.id,
    subscriptionItem: item.id,
    price,
    quantity: item.quantity,
    amount: quote.dueNow,
    discount: 0,
    discountId: null,
    periodStart: engine.now(),
    periodEnd: item.current_period_end,
    description: `Remaining time on ${String(product?.name ?? 'plan')} after the change`,
  });
  const details = (line.parent as { subscription_item_details: { proration: boolean } }).subscription_item_details;
  details.proration = true;
  const sequence = Number(customer.next_invoice_sequence);
  customer.next_invoice_sequence = sequence + 1;
  engine.store.put(customer);
  const invoice = invoiceShape({
    now: engine.now(),
    id,
    customer,
    number: `${String(customer.invoice_prefix)}-${String(sequence).padStart(4, '0')}`,
    subscription: subscription.id,
    subscriptionMetadata: subscription.metadata as Record<string, string>,
    billingReason: 'subscription_update',
    currency: String(subscription.currency),
    lines: [line],
    subtotal: quote.dueNow,
    discount: 0,
    discountId: null,
    periodStart: engine.now(),
    periodEnd: item.current_period_end,
    hostedUrl: `${engine.baseUrl}/i/${id}`,
  });
  engine.store.put(invoice);
  updateSubscription(engine, subscription, () => {
    subscription.latest_invoice = id;
  });
  engine.emit('invoice.created', invoice);
  engine.emit('invoice.finalized', invoice);
  if (!payInvoice(engine, invoice, subscription, false)) updateSubscription(engine, subscription, () => (subscription.status = 'past_due'));
}
