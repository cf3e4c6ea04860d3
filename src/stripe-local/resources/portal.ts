// /v1/billing_portal/sessions: a short-lived link to the hosted portal for one customer.
import { itemsOf } from '../billing.ts';
import type { Engine } from '../engine.ts';
import { invalidParam, invalidRequest, missingParam } from '../errors.ts';
import { allowOnly, int, requiredStr, str, type Params } from '../form.ts';
import { SWITCHABLE_LOOKUP_PREFIX } from '../pages/portal.ts';
import { newId } from '../ids.ts';
import { route, type Route } from '../routes.ts';
import { portalSessionShape } from '../shapes.ts';

export const portalRoutes: Route[] = [
  route('POST', '/v1/billing_portal/sessions', ({ engine, params }) => {
    allowOnly(params, ['customer', 'return_url', 'configuration', 'flow_data', 'locale', 'on_behalf_of', 'customer_account']);
    const customer = engine.store.require('customer', requiredStr(params, 'customer'), 'customer');
    const returnUrl = str(params, 'return_url') || null;
    if (returnUrl) checkUrl(returnUrl, 'return_url');
    const flow = params.flow_data === undefined ? null : readFlow(engine, params, customer.id);
    const id = newId('bps');
    const session = portalSessionShape({
      now: engine.now(),
      id,
      customer: customer.id,
      returnUrl,
      url: portalUrl(engine, id),
      locale: str(params, 'locale') || null,
      flow,
    });
    engine.store.put(session);
    return session;
  }),
];

export function portalUrl(engine: Engine, id: string): string {
  return `${engine.baseUrl}/p/session/${id}`;
}

function checkUrl(value: string, param: string): void {
  try {
    new URL(value);
  } catch {
    throw invalidParam(param, 'Not a valid URL', 'url_invalid');
  }
}

const FLOW_TYPES = ['customer_update', 'payment_method_update', 'subscription_cancel', 'subscription_pause', 'subscription_update', 'subscription_update_confirm'];

/**
 * `flow_data`, checked as Stripe checks it. Stripe's documented rules for `subscription_update_confirm`
 * (BillingPortal SessionCreateParams): the subscription is the customer's; `items` holds at most one item,
 * and a subscription with several items is not updatable; the item's new price must be one the portal
 * configuration lets fans switch to (here: active recurring prices with a `truefans:` lookup key, in the
 * subscription's currency); a canceled subscription cannot be updated. `after_completion.redirect` needs
 * a `return_url`. The stand-in hosts only the update confirmation; other flow types are refused plainly.
 */
function readFlow(engine: Engine, params: Params, customer: string): Record<string, unknown> {
  allowOnly(params.flow_data as Params, ['type', 'after_completion', 'subscription_update_confirm', 'subscription_cancel', 'subscription_update', 'subscription_pause'], ['flow_data']);
  const type = requiredStr(params, ['flow_data', 'type']);
  if (!FLOW_TYPES.includes(type)) throw invalidParam('flow_data[type]', `Invalid flow_data[type]: must be one of ${FLOW_TYPES.join(', ')}`, 'parameter_invalid_string');
  if (type !== 'subscription_update_confirm') {
    throw invalidRequest(`The local Stripe stand-in does not host the ${type} portal flow; only subscription_update_confirm.`, 'flow_data[type]');
  }
  const confirm = params.flow_data && (params.flow_data as Params).subscription_update_confirm;
  if (!confirm || typeof confirm !== 'object') throw missingParam('flow_data[subscription_update_confirm]');
  allowOnly(confirm as Params, ['subscription', 'items', 'discounts'], ['flow_data', 'subscription_update_confirm']);
  const subscriptionId = requiredStr(params, ['flow_data', 'subscription_update_confirm', 'subscription']);
  const subscription = engine.store.get('subscription', subscriptionId);
  if (!subscription || subscription.customer !== customer) {
    throw invalidParam('flow_data[subscription_update_confirm][subscription]', `No such subscription: '${subscriptionId}'`, 'resource_missing');
  }
  if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
    throw invalidRequest('A canceled subscription cannot be updated.', 'flow_data[subscription_update_confirm][subscription]');
  }
  const raw = (confirm as Params).items;
  const items = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : [];
  if (items.length === 0) throw missingParam('flow_data[subscription_update_confirm][items]');
  if (items.length > 1) throw invalidParam('flow_data[subscription_update_confirm][items]', 'Only one item may be specified.', 'parameter_invalid_array');
  if (itemsOf(subscription).length > 1) throw invalidRequest('Subscriptions with multiple items cannot be updated through the portal.', 'flow_data[subscription_update_confirm][subscription]');
  const base = ['flow_data', 'subscription_update_confirm', 'items', '0'];
  allowOnly(items[0] as Params, ['id', 'price', 'quantity'], base);
  const itemId = requiredStr(params, [...base, 'id']);
  const item = itemsOf(subscription).find((candidate) => candidate.id === itemId);
  if (!item) throw invalidParam('flow_data[subscription_update_confirm][items][0][id]', `The subscription ${subscriptionId} has no item '${itemId}'.`, 'resource_missing');
  const priceId = str(params, [...base, 'price']) ?? item.price;
  const price = engine.store.get('price', priceId);
  if (!price) throw invalidParam('flow_data[subscription_update_confirm][items][0][price]', `No such price: '${priceId}'`, 'resource_missing');
  const current = engine.store.require('price', item.price);
  const allowed = price.active === true && price.recurring !== null && price.currency === current.currency && typeof price.lookup_key === 'string' && price.lookup_key.startsWith(SWITCHABLE_LOOKUP_PREFIX);
  if (!allowed) {
    throw invalidRequest(`The price ${priceId} is not one this portal configuration lets customers switch to (features.subscription_update.products).`, 'flow_data[subscription_update_confirm][items][0][price]');
  }
  const quantity = int(params, [...base, 'quantity']) ?? item.quantity;
  if (quantity !== 1) throw invalidParam('flow_data[subscription_update_confirm][items][0][quantity]', 'This portal configuration does not allow changing quantities.', 'parameter_invalid_integer');
  const after = (params.flow_data as Params).after_completion as Params | undefined;
  let afterCompletion: Record<string, unknown> = { type: 'portal_homepage', hosted_confirmation: null, redirect: null };
  if (after !== undefined) {
    allowOnly(after, ['type', 'redirect', 'hosted_confirmation'], ['flow_data', 'after_completion']);
    const afterType = requiredStr(params, ['flow_data', 'after_completion', 'type']);
    if (afterType === 'redirect') {
      const url = requiredStr(params, ['flow_data', 'after_completion', 'redirect', 'return_url']);
      checkUrl(url, 'flow_data[after_completion][redirect][return_url]');
      afterCompletion = { type: 'redirect', hosted_confirmation: null, redirect: { return_url: url } };
    } else if (afterType === 'hosted_confirmation') {
      afterCompletion = { type: 'hosted_confirmation', hosted_confirmation: { custom_message: str(params, ['flow_data', 'after_completion', 'hosted_confirmation', 'custom_message']) ?? null }, redirect: null };
    } else if (afterType !== 'portal_homepage') {
      throw invalidParam('flow_data[after_completion][type]', 'Invalid flow_data[after_completion][type]: must be one of hosted_confirmation, portal_homepage, or redirect', 'parameter_invalid_string');
    }
  }
  return {
    type,
    after_completion: afterCompletion,
    subscription_cancel: null,
    subscription_update: null,
    subscription_update_confirm: { discounts: null, items: [{ id: itemId, price: priceId, quantity }], subscription: subscriptionId },
  };
}
