// /v1/customers: create, retrieve, update (metadata merges), list (filter by exact email), search (by email,
// case-insensitive, after an indexing lag), delete.
import { allowOnly, mergeMetadata, str, type Params } from '../form.ts';
import { paginate, searchPage } from '../list.ts';
import { route, type Route } from '../routes.ts';
import { customerShape } from '../shapes.ts';
import type { Engine } from '../engine.ts';
import type { StripeObject } from '../state.ts';
import { ApiError, invalidParam, missingParam } from '../errors.ts';
import { cancelSubscription } from '../billing.ts';

const WRITABLE = ['email', 'name', 'description', 'phone', 'metadata', 'address', 'shipping', 'preferred_locales', 'invoice_settings', 'payment_method', 'tax_exempt', 'test_clock', 'balance', 'coupon', 'promotion_code', 'source', 'tax', 'tax_id_data', 'cash_balance', 'invoice_prefix', 'next_invoice_sequence', 'validate', 'individual_name', 'business_name', 'default_source'];

function checkEmail(email: string | undefined): string | null {
  if (email === undefined || email === '') return null;
  if (email.length > 512 || !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw invalidParam('email', 'Invalid email address: ' + email, 'email_invalid');
  }
  return email;
}

export function createCustomer(engine: Engine, params: Params): StripeObject {
  const customer = customerShape({
    now: engine.now(),
    email: checkEmail(str(params, 'email')),
    name: str(params, 'name') || null,
    description: str(params, 'description') || null,
    phone: str(params, 'phone') || null,
    metadata: mergeMetadata({}, params),
  });
  engine.store.put(customer);
  engine.emit('customer.created', customer);
  return customer;
}

/** The one query form the stand-in understands: `email:'value'` or `email:"value"`, backslash escapes inside. */
const EMAIL_QUERY = /^\s*email\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*$/;

function searchRefused(message: string): ApiError {
  return new ApiError(400, { type: 'invalid_request_error', param: 'query', message });
}

/**
 * Stripe's customer search (docs.stripe.com/search): `field:'value'` is an exact match and string matching
 * ignores letter case, so `email:'jane@example.com'` finds `Jane@Example.com` (unlike `customers.list({ email })`,
 * which compares exactly). New customers appear only after the indexing lag.
 */
function searchCustomers(engine: Engine, params: Params, path: string) {
  allowOnly(params, ['query', 'limit', 'page', 'expand']);
  if (engine.searchUnavailable) throw searchRefused("Search isn't available to merchants in India.");
  const query = str(params, 'query');
  if (!query) throw missingParam('query');
  const match = EMAIL_QUERY.exec(query);
  if (!match) {
    throw searchRefused(
      `The local Stripe stand-in cannot run the search query ${JSON.stringify(query.slice(0, 200))}: it supports only \`email:'...'\` for customers. ` +
        'See https://stripe.com/docs/search#query-fields-for-customers for the fields Stripe supports.',
    );
  }
  const email = (match[1] ?? match[2] ?? '').replace(/\\(.)/g, '$1').toLowerCase();
  const indexedBefore = engine.now() - engine.searchLagSeconds;
  const found = engine.store
    .all('customer')
    .filter((customer) => Number(customer.created) <= indexedBefore && typeof customer.email === 'string' && customer.email.toLowerCase() === email);
  return searchPage(found, params, path);
}

export const customerRoutes: Route[] = [
  // Before `/v1/customers/:id`, which would otherwise take "search" for an id.
  route('GET', '/v1/customers/search', ({ engine, params, path }) => searchCustomers(engine, params, path)),
  route('POST', '/v1/customers', ({ engine, params }) => {
    allowOnly(params, WRITABLE);
    return createCustomer(engine, params);
  }),
  route('GET', '/v1/customers/:id', ({ engine, ids }) => {
    const id = ids[0] ?? '';
    if (engine.store.isDeleted(id)) return { id, object: 'customer', deleted: true };
    return engine.store.require('customer', id);
  }),
  route('POST', '/v1/customers/:id', ({ engine, params, ids }) => {
    allowOnly(params, WRITABLE);
    const customer = engine.store.require('customer', ids[0] ?? '');
    const before: Record<string, unknown> = {};
    const set = (key: string, value: unknown) => {
      if (JSON.stringify(customer[key]) !== JSON.stringify(value)) {
        before[key] = customer[key];
        customer[key] = value;
      }
    };
    if (str(params, 'email') !== undefined) set('email', checkEmail(str(params, 'email')));
    for (const key of ['name', 'description', 'phone'] as const) {
      const value = str(params, key);
      if (value !== undefined) set(key, value || null);
    }
    set('metadata', mergeMetadata(customer.metadata as Record<string, string>, params));
    const defaultPm = str(params, ['invoice_settings', 'default_payment_method']);
    if (defaultPm !== undefined) {
      if (defaultPm) engine.store.require('payment_method', defaultPm, 'invoice_settings[default_payment_method]');
      set('invoice_settings', { ...(customer.invoice_settings as object), default_payment_method: defaultPm || null });
    }
    engine.store.put(customer);
    if (Object.keys(before).length > 0) engine.emit('customer.updated', customer, before);
    return customer;
  }),
  route('DELETE', '/v1/customers/:id', ({ engine, ids }) => {
    const customer = engine.store.require('customer', ids[0] ?? '');
    // Stripe cancels a deleted customer's subscriptions at once.
    for (const subscription of engine.store.all('subscription')) {
      if (subscription.customer === customer.id && !['canceled', 'incomplete_expired'].includes(String(subscription.status))) {
        cancelSubscription(engine, subscription, 'cancellation_requested');
      }
    }
    engine.emit('customer.deleted', customer);
    engine.store.markDeleted(customer.id);
    return { id: customer.id, object: 'customer', deleted: true };
  }),
  route('GET', '/v1/customers', ({ engine, params, path }) => {
    allowOnly(params, ['email', 'limit', 'starting_after', 'ending_before', 'created', 'test_clock']);
    const email = str(params, 'email');
    const all = engine.store.all('customer').filter((customer) => email === undefined || customer.email === email);
    return paginate(all, params, path, 'customer');
  }),
];
