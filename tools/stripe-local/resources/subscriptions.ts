// /v1/subscriptions: list (by customer, price and status, `all` included), retrieve, create, update
// (switch an item's price, cancel at period end, metadata), cancel.
import { cancelSubscription, itemsOf, periodEnd, setCancelAtPeriodEnd, startSubscription, switchPrice, updateSubscription, processDue } from '../billing.ts';
import type { Engine } from '../engine.ts';
import { invalidParam, invalidRequest, missingParam } from '../errors.ts';
import { allowOnly, arr, bool, has, int, mergeMetadata, oneOf, paramName, requiredStr, str, type Params } from '../form.ts';
import { listPage } from '../list.ts';
import { route, type Route } from '../routes.ts';
import type { StripeObject } from '../state.ts';

const STATUSES = ['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'] as const;
const UPDATE = ['items', 'cancel_at_period_end', 'cancel_at', 'cancellation_details', 'metadata', 'description', 'default_payment_method', 'trial_end', 'proration_behavior', 'proration_date', 'payment_behavior', 'off_session'];
const CREATE = ['customer', 'items', 'trial_period_days', 'trial_end', 'trial_settings', 'cancel_at', 'default_payment_method', 'metadata', 'description', 'cancel_at_period_end', 'payment_behavior', 'proration_behavior', 'off_session', 'currency', 'discounts', 'collection_method', 'expand'];

function requireActive(subscription: StripeObject): void {
  if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
  }
}

function recurringPrice(engine: Engine, id: string, param: string): StripeObject {
  const price = engine.store.require('price', id, param);
  if (!price.recurring) throw invalidParam(param, 'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.', 'parameter_invalid_empty');
  if (!price.active) throw invalidParam(param, 'The price specified is inactive. This field only accepts active prices.', 'resource_missing');
  return price;
}

function update(engine: Engine, subscription: StripeObject, params: Params): StripeObject {
  allowOnly(params, UPDATE);
  const onlyBookkeeping = Object.keys(params).every((key) => ['metadata', 'cancellation_details', 'expand'].includes(key));
  if (!onlyBookkeeping) requireActive(subscription);
  const items = arr(params, 'items') ?? [];
  items.forEach((_, index) => {
    const at = (name: string) => ['items', String(index), name];
    const itemId = str(params, at('id'));
    if (!itemId) {
      throw invalidParam(paramName(at('id')), 'The local Stripe stand-in can only change the price of an existing item: pass items[0][id] with items[0][price].', 'parameter_missing');
    }
    if (!itemsOf(subscription).some((item) => item.id === itemId)) {
      throw invalidParam(paramName(at('id')), `Invalid subscription_item: ${itemId} is not part of this subscription.`, 'resource_missing');
    }
    const priceId = str(params, at('price'));
    const quantity = int(params, at('quantity'));
    if (bool(params, at('deleted'))) throw invalidParam(paramName(at('deleted')), 'The local Stripe stand-in cannot remove subscription items.', 'parameter_invalid_empty');
    if (priceId) switchPrice(engine, subscription, itemId, recurringPrice(engine, priceId, paramName(at('price'))), quantity);
    else if (quantity !== undefined) {
      updateSubscription(engine, subscription, () => {
        const item = itemsOf(subscription).find((candidate) => candidate.id === itemId);
        if (item) item.quantity = quantity;
      });
    }
  });
  const cancelAtPeriodEnd = bool(params, 'cancel_at_period_end');
  if (cancelAtPeriodEnd !== undefined && cancelAtPeriodEnd !== subscription.cancel_at_period_end) {
    setCancelAtPeriodEnd(engine, subscription, cancelAtPeriodEnd);
  }
  if (has(params, 'cancel_at')) {
    const raw = str(params, 'cancel_at');
    const cancelAt = raw === '' ? null : raw === 'max_period_end' || raw === 'min_period_end' ? periodEnd(subscription) : int(params, 'cancel_at') ?? null;
    if (cancelAt !== null && cancelAt <= engine.now()) throw invalidParam('cancel_at', 'cancel_at must be in the future.', 'parameter_invalid_integer');
    updateSubscription(engine, subscription, () => {
      subscription.cancel_at = cancelAt;
      subscription.cancel_at_period_end = cancelAt !== null && cancelAt === periodEnd(subscription);
      subscription.canceled_at = cancelAt === null ? null : engine.now();
    });
  }
  const trialEnd = str(params, 'trial_end');
  if (trialEnd !== undefined) {
    if (trialEnd === 'now') {
      if (subscription.status === 'trialing') {
        updateSubscription(engine, subscription, () => {
          subscription.trial_end = engine.now();
          for (const item of itemsOf(subscription)) item.current_period_end = engine.now();
        });
        processDue(engine, engine.now());
      }
    } else {
      const end = int(params, 'trial_end');
      if (end === undefined || end <= engine.now()) throw invalidParam('trial_end', 'Invalid timestamp: must be "now" or in the future.', 'parameter_invalid_integer');
      updateSubscription(engine, subscription, () => {
        subscription.trial_end = end;
        subscription.status = 'trialing';
        subscription.trial_start ??= engine.now();
        for (const item of itemsOf(subscription)) item.current_period_end = end;
      });
    }
  }
  updateSubscription(engine, subscription, () => {
    subscription.metadata = mergeMetadata(subscription.metadata as Record<string, string>, params);
    const description = str(params, 'description');
    if (description !== undefined) subscription.description = description || null;
    const paymentMethod = str(params, 'default_payment_method');
    if (paymentMethod) {
      engine.store.require('payment_method', paymentMethod, 'default_payment_method');
      subscription.default_payment_method = paymentMethod;
    }
    const comment = str(params, ['cancellation_details', 'comment']);
    const feedback = str(params, ['cancellation_details', 'feedback']);
    if (comment !== undefined || feedback !== undefined) {
      const details = subscription.cancellation_details as Record<string, unknown>;
      subscription.cancellation_details = {
        ...details,
        ...(comment !== undefined ? { comment: comment || null } : {}),
        ...(feedback !== undefined ? { feedback: feedback || null } : {}),
      };
    }
  });
  return subscription;
}

function create(engine: Engine, params: Params): StripeObject {
  allowOnly(params, CREATE);
  const customer = engine.store.require('customer', requiredStr(params, 'customer'), 'customer');
  const rawItems = arr(params, 'items');
  if (!rawItems || rawItems.length === 0) throw missingParam('items');
  const items = rawItems.map((_, index) => ({
    price: recurringPrice(engine, requiredStr(params, ['items', String(index), 'price']), `items[${index}][price]`),
    quantity: int(params, ['items', String(index), 'quantity']) ?? 1,
  }));
  const paymentMethod =
    str(params, 'default_payment_method') ||
    ((customer.invoice_settings as { default_payment_method: string | null }).default_payment_method ?? null);
  if (paymentMethod) engine.store.require('payment_method', paymentMethod, 'default_payment_method');
  const trialDays = int(params, 'trial_period_days') ?? null;
  const trialEnd = int(params, 'trial_end') ?? null;
  // "Can be at most two years from billing_cycle_anchor" (SubscriptionCreateParams.trial_end); Stripe also
  // refuses a time already past.
  if (trialEnd !== null && trialEnd <= engine.now()) throw invalidParam('trial_end', 'Invalid timestamp: must be an integer Unix timestamp in the future.', 'parameter_invalid_integer');
  if (trialEnd !== null && trialEnd > engine.now() + 2 * 366 * 86_400) throw invalidParam('trial_end', 'Invalid timestamp: can be no more than two years in the future.', 'parameter_invalid_integer');
  if (trialDays !== null && (trialDays < 0 || trialDays > 730)) throw invalidParam('trial_period_days', 'trial_period_days must be between 0 and 730.', 'parameter_invalid_integer');
  const missingMethod = oneOf(params, ['trial_settings', 'end_behavior', 'missing_payment_method'], ['cancel', 'create_invoice', 'pause'] as const);
  const cancelAt = int(params, 'cancel_at');
  if (cancelAt !== undefined && cancelAt <= engine.now()) throw invalidParam('cancel_at', 'cancel_at must be in the future.', 'parameter_invalid_integer');
  const behaviour = oneOf(params, 'payment_behavior', ['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'] as const);
  if (behaviour === 'error_if_incomplete' && !paymentMethod && !trialDays && !trialEnd) {
    throw invalidRequest('This customer has no attached payment source or default payment method. Please consider adding a default payment method.', 'default_payment_method');
  }
  const subscription = startSubscription(engine, {
    customer,
    items,
    trialDays,
    trialEnd,
    metadata: mergeMetadata({}, params),
    description: str(params, 'description') || null,
    paymentMethod,
  });
  if (missingMethod) {
    updateSubscription(engine, subscription, () => {
      subscription.trial_settings = { end_behavior: { missing_payment_method: missingMethod } };
    });
  }
  if (cancelAt !== undefined) {
    updateSubscription(engine, subscription, () => {
      subscription.cancel_at = cancelAt;
      subscription.cancel_at_period_end = cancelAt === periodEnd(subscription);
      subscription.canceled_at = engine.now();
      subscription.cancellation_details = { comment: null, feedback: null, reason: 'cancellation_requested' };
    });
  }
  if (bool(params, 'cancel_at_period_end')) setCancelAtPeriodEnd(engine, subscription, true);
  return subscription;
}

export const subscriptionRoutes: Route[] = [
  route('GET', '/v1/subscriptions', ({ engine, params, path }) => {
    allowOnly(params, ['customer', 'price', 'plan', 'status', 'limit', 'starting_after', 'ending_before', 'created', 'current_period_end', 'current_period_start', 'collection_method', 'test_clock', 'automatic_tax', 'customer_account']);
    const customer = str(params, 'customer');
    // Stripe answers a filter naming a customer it does not know with 400 resource_missing, not an empty list.
    if (customer) engine.store.require('customer', customer, 'customer');
    const price = str(params, 'price') || str(params, 'plan');
    const status = oneOf(params, 'status', STATUSES);
    return listPage(engine.store, 'subscription', (subscription) => {
      const state = String(subscription.status);
      const statusMatches =
        status === 'all' ||
        (status === undefined && state !== 'canceled' && state !== 'incomplete_expired') ||
        (status === 'ended' && (state === 'canceled' || state === 'incomplete_expired')) ||
        status === state;
      return (
        statusMatches &&
        (!customer || subscription.customer === customer) &&
        (!price || itemsOf(subscription).some((item) => item.price === price))
      );
    }, params, path, 'subscription');
  }),
  route('POST', '/v1/subscriptions', ({ engine, params }) => create(engine, params)),
  route('GET', '/v1/subscriptions/:id', ({ engine, ids }) => engine.store.require('subscription', ids[0] ?? '')),
  route('POST', '/v1/subscriptions/:id', ({ engine, ids, params }) =>
    update(engine, engine.store.require('subscription', ids[0] ?? ''), params),
  ),
  route('DELETE', '/v1/subscriptions/:id', ({ engine, ids, params }) => {
    allowOnly(params, ['cancellation_details', 'invoice_now', 'prorate']);
    const subscription = engine.store.require('subscription', ids[0] ?? '');
    if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
      throw invalidRequest(`This subscription has already been canceled.`, 'id');
    }
    cancelSubscription(engine, subscription, 'cancellation_requested', {
      comment: str(params, ['cancellation_details', 'comment']) || null,
      feedback: str(params, ['cancellation_details', 'feedback']) || null,
    });
    return subscription;
  }),
];
