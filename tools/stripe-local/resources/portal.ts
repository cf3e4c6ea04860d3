// /v1/billing_portal/sessions and /v1/billing_portal/configurations: a short-lived link to the hosted
// portal for one customer, and what that portal lets the customer do. As on Stripe, a session needs a
// configuration (passed as `configuration`, or the account's default, which only the Dashboard makes),
// and a fan may switch only to the prices its `features.subscription_update.products` lists.
import type { Engine } from '../engine.ts';
import { itemsOf } from '../billing.ts';
import { ApiError, invalidParam, invalidRequest, missingParam } from '../errors.ts';
import { allowOnly, arr, bool, has, int, mergeMetadata, obj, oneOf, requiredStr, str, strings, type Params } from '../form.ts';
import { newId } from '../ids.ts';
import { paginate } from '../list.ts';
import { route, type Route } from '../routes.ts';
import { portalSessionShape } from '../shapes.ts';
import type { StripeObject } from '../state.ts';

const CONFIG_FIELDS = ['features', 'business_profile', 'default_return_url', 'login_page', 'metadata', 'name', 'active'];
const FEATURES = ['customer_update', 'invoice_history', 'payment_method_update', 'subscription_cancel', 'subscription_pause', 'subscription_update'];
const CANCELLATION_REASONS = ['customer_service', 'low_quality', 'missing_features', 'other', 'switched_service', 'too_complex', 'too_expensive', 'unused'] as const;
/** Stripe: "The list of up to 10 products that support subscription updates." */
export const MAX_PORTAL_PRODUCTS = 10;

/**
 * Stripe's answer to a portal session when no configuration is given and the account has no default
 * (one is made by saving the portal settings in the Dashboard), word for word as Stripe sends it.
 */
export function noPortalConfiguration(): ApiError {
  return invalidRequest(
    'You can’t create a portal session in test mode until you save your customer portal settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal.',
  );
}

export interface PortalProduct {
  product: string;
  prices: string[];
}

function checkUrl(value: string | undefined, param: string): string | null {
  if (!value) return null;
  try {
    new URL(value);
  } catch {
    throw invalidParam(param, 'Not a valid URL', 'url_invalid');
  }
  return value;
}

function readProducts(engine: Engine, params: Params): PortalProduct[] | null {
  const path = ['features', 'subscription_update', 'products'];
  const list = arr(params, path);
  // Stripe's empty string clears the list.
  if (!list) return has(params, path) ? [] : null;
  if (list.length > MAX_PORTAL_PRODUCTS) {
    throw invalidParam('features[subscription_update][products]', `You can specify at most ${MAX_PORTAL_PRODUCTS} products.`, 'parameter_invalid_array');
  }
  return list.map((_, index) => {
    const at = (...rest: string[]) => [...path, String(index), ...rest];
    const name = (...rest: string[]) => `features[subscription_update][products][${index}]${rest.map((r) => `[${r}]`).join('')}`;
    const product = engine.store.require('product', requiredStr(params, at('product')), name('product'));
    const prices = strings(params, at('prices')) ?? [];
    if (prices.length === 0) throw invalidParam(name('prices'), `Missing required param: ${name('prices')}.`, 'parameter_missing');
    for (const id of prices) {
      const price = engine.store.require('price', id, name('prices'));
      if (price.product !== product.id) {
        throw invalidParam(name('prices'), `The price \`${id}\` does not belong to the product \`${product.id}\`.`, 'parameter_invalid_array');
      }
      if (!price.recurring) {
        throw invalidParam(name('prices'), `The price \`${id}\` is not a recurring price. Only recurring prices can be used in the customer portal.`, 'parameter_invalid_array');
      }
    }
    return { product: product.id, prices };
  });
}

function readFeatures(engine: Engine, params: Params, current: Record<string, Record<string, unknown>> | undefined): Record<string, Record<string, unknown>> {
  const features = obj(params, 'features');
  const base = current ?? {
    customer_update: { enabled: false, allowed_updates: [] },
    invoice_history: { enabled: false },
    payment_method_update: { enabled: false, payment_method_configuration: null },
    subscription_cancel: { enabled: false, mode: 'at_period_end', proration_behavior: 'none', cancellation_reason: { enabled: false, options: [] } },
    subscription_pause: { enabled: false },
    subscription_update: { enabled: false, default_allowed_updates: [], products: [], proration_behavior: 'none', billing_cycle_anchor: null, schedule_at_period_end: { conditions: [] }, trial_update_behavior: 'end_trial' },
  };
  if (!features) return base;
  allowOnly(features, FEATURES, ['features']);
  const next = structuredClone(base);
  const flag = (feature: string) => bool(params, ['features', feature, 'enabled']);
  for (const feature of FEATURES) {
    if (!obj(params, ['features', feature])) continue;
    const enabled = flag(feature);
    if (enabled !== undefined) next[feature]!.enabled = enabled;
  }
  if (obj(params, ['features', 'invoice_history']) && flag('invoice_history') === undefined) throw invalidParam('features[invoice_history][enabled]', 'Missing required param: features[invoice_history][enabled].', 'parameter_missing');
  const cancel = next.subscription_cancel!;
  const mode = oneOf(params, ['features', 'subscription_cancel', 'mode'], ['at_period_end', 'immediately'] as const);
  if (mode) cancel.mode = mode;
  const cancelProration = oneOf(params, ['features', 'subscription_cancel', 'proration_behavior'], ['always_invoice', 'create_prorations', 'none'] as const);
  if (cancelProration) cancel.proration_behavior = cancelProration;
  if (obj(params, ['features', 'subscription_cancel', 'cancellation_reason'])) {
    const options = strings(params, ['features', 'subscription_cancel', 'cancellation_reason', 'options']) ?? [];
    for (const option of options) {
      if (!(CANCELLATION_REASONS as readonly string[]).includes(option)) {
        throw invalidParam('features[subscription_cancel][cancellation_reason][options]', `Invalid features[subscription_cancel][cancellation_reason][options]: must be one of ${CANCELLATION_REASONS.join(', ')}`, 'parameter_invalid_string');
      }
    }
    cancel.cancellation_reason = { enabled: bool(params, ['features', 'subscription_cancel', 'cancellation_reason', 'enabled']) ?? false, options };
  }
  const update = next.subscription_update!;
  const allowed = strings(params, ['features', 'subscription_update', 'default_allowed_updates']);
  if (allowed) update.default_allowed_updates = allowed;
  const proration = oneOf(params, ['features', 'subscription_update', 'proration_behavior'], ['always_invoice', 'create_prorations', 'none'] as const);
  if (proration) update.proration_behavior = proration;
  const products = readProducts(engine, params);
  if (products) update.products = products;
  if (update.enabled === true && ((update.products as PortalProduct[]).length === 0 || (update.default_allowed_updates as string[]).length === 0)) {
    // Stripe refuses an enabled update feature with nothing a customer could update to.
    throw invalidParam('features[subscription_update][products]', 'When subscription_update is enabled, products and default_allowed_updates must be set.', 'parameter_missing');
  }
  return next;
}

export function createConfiguration(engine: Engine, params: Params): StripeObject {
  allowOnly(params, CONFIG_FIELDS.filter((f) => f !== 'active'));
  if (!obj(params, 'features')) throw invalidParam('features', 'Missing required param: features.', 'parameter_missing');
  const now = engine.now();
  const configuration: StripeObject = {
    id: newId('bpc'),
    object: 'billing_portal.configuration',
    active: true,
    application: null,
    business_profile: {
      headline: str(params, ['business_profile', 'headline']) || null,
      privacy_policy_url: checkUrl(str(params, ['business_profile', 'privacy_policy_url']), 'business_profile[privacy_policy_url]'),
      terms_of_service_url: checkUrl(str(params, ['business_profile', 'terms_of_service_url']), 'business_profile[terms_of_service_url]'),
    },
    created: now,
    default_return_url: checkUrl(str(params, 'default_return_url'), 'default_return_url'),
    features: readFeatures(engine, params, undefined),
    // Only the Dashboard makes the default configuration; the API never does.
    is_default: false,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: mergeMetadata({}, params),
    name: str(params, 'name') || null,
    updated: now,
  };
  engine.store.put(configuration, 'billing_portal.configuration');
  engine.emit('billing_portal.configuration.created', configuration);
  return configuration;
}

function updateConfiguration(engine: Engine, configuration: StripeObject, params: Params): StripeObject {
  allowOnly(params, CONFIG_FIELDS);
  const before = JSON.stringify(configuration);
  const active = bool(params, 'active');
  if (active !== undefined) configuration.active = active;
  if (has(params, 'default_return_url')) configuration.default_return_url = checkUrl(str(params, 'default_return_url'), 'default_return_url');
  if (has(params, 'name')) configuration.name = str(params, 'name') || null;
  if (obj(params, 'business_profile')) {
    const profile = configuration.business_profile as Record<string, unknown>;
    if (has(params, ['business_profile', 'headline'])) profile.headline = str(params, ['business_profile', 'headline']) || null;
  }
  configuration.features = readFeatures(engine, params, configuration.features as Record<string, Record<string, unknown>>);
  configuration.metadata = mergeMetadata(configuration.metadata as Record<string, string>, params);
  if (JSON.stringify(configuration) !== before) {
    configuration.updated = engine.now();
    engine.store.put(configuration, 'billing_portal.configuration');
    engine.emit('billing_portal.configuration.updated', configuration);
  }
  return configuration;
}

/** The configuration a session uses: the one it names, else the account's default, else Stripe's refusal. */
function configurationFor(engine: Engine, id: string | undefined): StripeObject {
  if (id) {
    const configuration = engine.store.require('billing_portal.configuration', id, 'configuration');
    if (configuration.active !== true) {
      throw invalidParam('configuration', `The configuration \`${id}\` is not active. Activate it or pass another configuration.`, 'parameter_invalid_string');
    }
    return configuration;
  }
  const fallback = engine.store.all('billing_portal.configuration').find((c) => c.is_default === true && c.active === true);
  if (!fallback) throw noPortalConfiguration();
  return fallback;
}

export const portalRoutes: Route[] = [
  route('POST', '/v1/billing_portal/sessions', ({ engine, params }) => {
    allowOnly(params, ['customer', 'return_url', 'configuration', 'flow_data', 'locale', 'on_behalf_of', 'customer_account']);
    const customer = engine.store.require('customer', requiredStr(params, 'customer'), 'customer');
    const configuration = configurationFor(engine, str(params, 'configuration') || undefined);
    const returnUrl = str(params, 'return_url') || (configuration.default_return_url as string | null) || null;
    if (returnUrl) checkUrl(returnUrl, 'return_url');
    const flow = params.flow_data === undefined ? null : readFlow(engine, params, customer.id, configuration);
    const id = newId('bps');
    const session = portalSessionShape({
      now: engine.now(),
      id,
      customer: customer.id,
      returnUrl,
      url: portalUrl(engine, id),
      locale: str(params, 'locale') || null,
      flow,
      configuration: configuration.id,
    });
    engine.store.put(session);
    return session;
  }),
  route('POST', '/v1/billing_portal/configurations', ({ engine, params }) => createConfiguration(engine, params)),
  route('POST', '/v1/billing_portal/configurations/:id', ({ engine, ids, params }) =>
    updateConfiguration(engine, engine.store.require('billing_portal.configuration', ids[0] ?? ''), params),
  ),
  // Retrieve (SDK: billingPortal.configurations.retrieve): the weekly digest reads its mark fresh from here.
  route('GET', '/v1/billing_portal/configurations/:id', ({ engine, ids }) => engine.store.require('billing_portal.configuration', ids[0] ?? '')),
  route('GET', '/v1/billing_portal/configurations', ({ engine, params, path }) => {
    allowOnly(params, ['active', 'is_default', 'limit', 'starting_after', 'ending_before']);
    const active = bool(params, 'active');
    const isDefault = bool(params, 'is_default');
    const all = engine.store
      .all('billing_portal.configuration')
      .filter((c) => (active === undefined || c.active === active) && (isDefault === undefined || c.is_default === isDefault));
    return paginate(all, params, path, 'billing_portal.configuration');
  }),
];

export function portalUrl(engine: Engine, id: string): string {
  return `${engine.baseUrl}/p/session/${id}`;
}

const FLOW_TYPES = ['customer_update', 'payment_method_update', 'subscription_cancel', 'subscription_pause', 'subscription_update', 'subscription_update_confirm'];

/**
 * `flow_data`, checked as Stripe checks it. Stripe's documented rules for `subscription_update_confirm`
 * (BillingPortal SessionCreateParams): the subscription is the customer's; `items` holds at most one item,
 * and a subscription with several items is not updatable; the item's new price must be one the portal
 * configuration lets fans switch to (`features.subscription_update.products`, in the subscription's
 * currency); a canceled subscription cannot be updated. `after_completion.redirect` needs
 * a `return_url`. The stand-in hosts only the update confirmation; other flow types are refused plainly.
 */
function readFlow(engine: Engine, params: Params, customer: string, configuration: StripeObject): Record<string, unknown> {
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
  const allowed = price.active === true && price.recurring !== null && price.currency === current.currency && switchablePrices(configuration).has(priceId);
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

/** The configuration a portal session was made with (older saved sessions may name none). */
export function sessionConfiguration(engine: Engine, portal: StripeObject): StripeObject | undefined {
  return engine.store.get('billing_portal.configuration', String(portal.configuration));
}

/** The prices a configuration lets a fan switch to, if switching is on. */
export function switchablePrices(configuration: StripeObject | undefined): Set<string> {
  const update = (configuration?.features as { subscription_update?: { enabled: boolean; products: PortalProduct[] } } | undefined)?.subscription_update;
  if (!update?.enabled) return new Set();
  return new Set(update.products.flatMap((p) => p.prices));
}
