// /v1/customers: create, retrieve, update (metadata merges), list (filter by exact email), search (by exact
// email or metadata value, after an indexing lag), delete.
import { allowOnly, mergeMetadata, str, type Params } from '../form.ts';
import { createdFilter, listPage, searchPage } from '../list.ts';
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

/** One clause: `email:'v'` or `metadata['key']:'v'` (either quote, backslash escapes inside the value). */
const CLAUSE = /^(email|metadata\[(?:'([A-Za-z0-9_-]{1,40})'|"([A-Za-z0-9_-]{1,40})")\])\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")$/;

function searchRefused(message: string): ApiError {
  return new ApiError(400, { type: 'invalid_request_error', param: 'query', message });
}

type Clause = { field: 'email' } | { field: 'metadata'; key: string };

function parseQuery(query: string): Array<Clause & { value: string }> | undefined {
  // Stripe joins clauses with AND or OR (never both); truefans only ever asks with OR.
  const parts = query.trim().split(/\s+OR\s+/);
  const clauses: Array<Clause & { value: string }> = [];
  for (const part of parts) {
    const m = CLAUSE.exec(part.trim());
    if (!m) return undefined;
    const value = (m[4] ?? m[5] ?? '').replace(/\\(.)/g, '$1');
    clauses.push(m[1] === 'email' ? { field: 'email', value } : { field: 'metadata', key: (m[2] ?? m[3])!, value });
  }
  return clauses;
}

/**
 * Stripe's customer search (docs.stripe.com/search): `field:'value'` is an exact match; new customers appear
 * only after the indexing lag ("searchable in under 1 minute"). Stripe's docs do not say whether that match
 * ignores letter case, so the stand-in takes the stricter reading and compares exactly: truefans must not
 * rely on it, and doesn't (it also searches a lower-cased copy of the email kept in metadata).
 */
function searchCustomers(engine: Engine, params: Params, path: string) {
  allowOnly(params, ['query', 'limit', 'page', 'expand']);
  if (engine.searchUnavailable) throw searchRefused("Search isn't available to merchants in India.");
  const query = str(params, 'query');
  if (!query) throw missingParam('query');
  const clauses = parseQuery(query);
  if (!clauses) {
    throw searchRefused(
      `The local Stripe stand-in cannot run the search query ${JSON.stringify(query.slice(0, 200))}: it supports only \`email:'...'\` and \`metadata['key']:'...'\` clauses joined by OR. ` +
        'See https://stripe.com/docs/search#query-fields-for-customers for the fields Stripe supports.',
    );
  }
  const indexedBefore = engine.now() - engine.searchLagSeconds;
  const matches = (customer: StripeObject) =>
    clauses.some((c) => (c.field === 'email' ? customer.email === c.value : (customer.metadata as Record<string, string> | undefined)?.[c.key] === c.value));
  // The lag is counted from creation (the stand-in keeps no update times); truefans writes its metadata
  // mark right after a checkout creates the customer, so the two lags coincide.
  const found = engine.store.all('customer').filter((customer) => Number(customer.created) <= indexedBefore && matches(customer));
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
    const created = createdFilter(params);
    return listPage(engine.store, 'customer', (customer) => (email === undefined || customer.email === email) && created(customer), params, path, 'customer');
  }),
];
