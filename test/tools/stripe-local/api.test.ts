// The REST API through the real `stripe` package: catalogue by lookup key, customers, subscriptions,
// pagination, expansion, idempotency, Stripe's error shapes, and injected outages.
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { StandIn } from '../../../tools/stripe-local/index.ts';
import { DAY, KEY, caught, client, makeTier, pay, freshForEachTest } from './helpers.ts';
import { lookupKey } from '../../../src/core/manifest.ts';

let standIn: StandIn;
let stripe: Stripe;

freshForEachTest((world) => ({ standIn, stripe } = world));

describe('products and prices', () => {
  it('creates prices by lookup key and lists them by lookup_keys[]', async () => {
    const { product, month, year } = await makeTier(stripe);
    expect(month).toMatchObject({ object: 'price', product: product.id, unit_amount: 700, type: 'recurring', lookup_key: lookupKey.tier('supporter', 'month') });
    expect(String(month.unit_amount_decimal)).toBe('700');
    expect(month.recurring).toEqual({ interval: 'month', interval_count: 1, meter: null, usage_type: 'licensed', trial_period_days: null });
    const listed = await stripe.prices.list({ lookup_keys: [lookupKey.tier('supporter', 'year'), lookupKey.tier('supporter', 'month')], expand: ['data.product'] });
    expect(listed.data.map((price) => price.id).sort()).toEqual([month.id, year.id].sort());
    expect((listed.data[0]!.product as Stripe.Product).name).toBe('Supporter');
    expect((await stripe.prices.list({ lookup_keys: ['truefans:nope'] })).data).toEqual([]);
    expect((await stripe.prices.list({ product: product.id, active: true })).data).toHaveLength(2);
  });

  it('refuses a taken lookup key unless transfer_lookup_key moves it', async () => {
    const { month } = await makeTier(stripe);
    const error = await caught(stripe.prices.create({ product: String(month.product), currency: 'usd', unit_amount: 800, recurring: { interval: 'month' }, lookup_key: lookupKey.tier('supporter', 'month') }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.code).toBe('lookup_key_already_exists');
    const moved = await stripe.prices.create({ product: String(month.product), currency: 'usd', unit_amount: 800, recurring: { interval: 'month' }, lookup_key: lookupKey.tier('supporter', 'month'), transfer_lookup_key: true });
    expect(moved.lookup_key).toBe(lookupKey.tier('supporter', 'month'));
    expect((await stripe.prices.retrieve(month.id)).lookup_key).toBeNull();
    const archived = await stripe.prices.update(month.id, { active: false, metadata: { replaced_by: moved.id } });
    expect(archived.active).toBe(false);
    expect(archived.metadata).toEqual({ replaced_by: moved.id });
    expect((await stripe.prices.list({ active: true })).data.map((price) => price.id)).not.toContain(month.id);
  });

  it('updates and lists products', async () => {
    const product = await stripe.products.create({ name: 'Old', metadata: { a: '1' } });
    const updated = await stripe.products.update(product.id, { name: 'New', description: 'Better', metadata: { b: '2' } });
    expect(updated).toMatchObject({ name: 'New', description: 'Better', metadata: { a: '1', b: '2' } });
    await stripe.products.update(product.id, { active: false });
    expect((await stripe.products.list({ active: true })).data).toHaveLength(0);
    expect((await stripe.products.retrieve(product.id)).active).toBe(false);
  });
});

describe('customers', () => {
  it('creates, updates metadata (merge and delete) and lists by exact email', async () => {
    const customer = await stripe.customers.create({ email: 'ada@example.com', name: 'Ada', metadata: { a: '1', b: '2' } });
    await stripe.customers.create({ email: 'bob@example.com' });
    const updated = await stripe.customers.update(customer.id, { metadata: { b: '', c: '3' } });
    expect(updated.metadata).toEqual({ a: '1', c: '3' });
    const found = await stripe.customers.list({ email: 'ada@example.com' });
    expect(found.data.map((each) => each.id)).toEqual([customer.id]);
    expect((await stripe.customers.list({ email: 'ADA@example.com' })).data).toHaveLength(0);
    const deleted = await stripe.customers.del(customer.id);
    expect(deleted.deleted).toBe(true);
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.DeletedCustomer).deleted).toBe(true);
  });
});

describe('subscriptions through the API', () => {
  it('switches an item to another price and cancels at period end, then cancels now', async () => {
    const supporter = await makeTier(stripe);
    const patron = await makeTier(stripe, 'patron', 2000, 20000);
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: supporter.month.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    await pay(session);
    const subscriptionId = String((await stripe.checkout.sessions.retrieve(session.id)).subscription);
    const current = await stripe.subscriptions.retrieve(subscriptionId);
    const switched = await stripe.subscriptions.update(subscriptionId, {
      items: [{ id: current.items.data[0]!.id, price: patron.month.id }],
      proration_behavior: 'none',
      cancel_at_period_end: true,
      metadata: { changed: 'yes' },
    });
    expect(switched.items.data[0]!.price.id).toBe(patron.month.id);
    expect(switched.cancel_at_period_end).toBe(true);
    expect(switched.metadata).toEqual({ changed: 'yes' });
    const listed = await stripe.subscriptions.list({ customer: String(current.customer), status: 'active', price: patron.month.id });
    expect(listed.data).toHaveLength(1);
    const canceled = await stripe.subscriptions.cancel(subscriptionId);
    expect(canceled.status).toBe('canceled');
    expect(canceled.ended_at).toBe(canceled.canceled_at);
    const again = await caught(stripe.subscriptions.cancel(subscriptionId));
    expect(again).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((await stripe.subscriptions.list({ status: 'canceled' })).data).toHaveLength(1);
  });

  it('creates a subscription for a customer with a card on file, and incomplete without one', async () => {
    const { month } = await makeTier(stripe);
    const bare = await stripe.customers.create({ email: 'bare@example.com' });
    const incomplete = await stripe.subscriptions.create({ customer: bare.id, items: [{ price: month.id }] });
    expect(incomplete.status).toBe('incomplete');
    await standIn.clock.advance(DAY);
    expect((await stripe.subscriptions.retrieve(incomplete.id)).status).toBe('incomplete_expired');
    const trial = await stripe.subscriptions.create({ customer: bare.id, items: [{ price: month.id }], trial_period_days: 14 });
    expect(trial.status).toBe('trialing');
    const ended = await stripe.subscriptions.update(trial.id, { trial_end: 'now' });
    expect(ended.status).toBe('past_due');
  });
});

describe('lists', () => {
  it('paginates newest first with has_more, starting_after and ending_before, and auto-paginates', async () => {
    const created: string[] = [];
    for (let i = 0; i < 25; i++) created.push((await stripe.customers.create({ email: `fan${i}@example.com` })).id);
    const newestFirst = [...created].reverse();
    const first = await stripe.customers.list({ limit: 10 });
    expect(first.object).toBe('list');
    expect(first.url).toBe('/v1/customers');
    expect(first.has_more).toBe(true);
    expect(first.data.map((each) => each.id)).toEqual(newestFirst.slice(0, 10));
    const second = await stripe.customers.list({ limit: 10, starting_after: first.data.at(-1)!.id });
    expect(second.data.map((each) => each.id)).toEqual(newestFirst.slice(10, 20));
    const third = await stripe.customers.list({ limit: 10, starting_after: second.data.at(-1)!.id });
    expect(third.data).toHaveLength(5);
    expect(third.has_more).toBe(false);
    const back = await stripe.customers.list({ limit: 3, ending_before: second.data[0]!.id });
    expect(back.data.map((each) => each.id)).toEqual(newestFirst.slice(7, 10));
    expect(back.has_more).toBe(true);
    const all: string[] = [];
    for await (const customer of stripe.customers.list({ limit: 7 })) all.push(customer.id);
    expect(all).toEqual(newestFirst);
    expect((await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 1000 })).map((each) => each.id)).toEqual(newestFirst);
  });

  it('pages a filtered list past deleted objects, reading only as far as each page needs; a deleted cursor is resource_missing', async () => {
    const created: { id: string; email: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const email = i % 2 ? 'odd@example.com' : 'even@example.com';
      created.push({ id: (await stripe.customers.create({ email })).id, email });
    }
    const gone = created[6]!.id;
    await stripe.customers.del(gone);
    const evens = created.filter((c) => c.email === 'even@example.com' && c.id !== gone).map((c) => c.id).reverse();
    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await stripe.customers.list({ email: 'even@example.com', limit: 2, ...(after ? { starting_after: after } : {}) });
      pages.push(page.data.map((c) => c.id));
      if (!page.has_more) break;
      after = page.data.at(-1)!.id;
    }
    expect(pages).toEqual([evens.slice(0, 2), evens.slice(2, 4), evens.slice(4)]);
    const back = await stripe.customers.list({ email: 'even@example.com', limit: 2, ending_before: evens[4]! });
    expect(back.data.map((c) => c.id)).toEqual(evens.slice(2, 4));
    expect(back.has_more).toBe(true);
    await expect(stripe.customers.list({ limit: 2, starting_after: gone })).rejects.toMatchObject({ code: 'resource_missing', param: 'starting_after' });
  });

  it('expands along lists and nested paths', async () => {
    const { month } = await makeTier(stripe);
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    await pay(session);
    const subscriptions = await stripe.subscriptions.list({ expand: ['data.customer', 'data.latest_invoice', 'data.items.data.price.product'] });
    const subscription = subscriptions.data[0]!;
    expect((subscription.customer as Stripe.Customer).email).toBe('fan@example.com');
    expect((subscription.latest_invoice as Stripe.Invoice).object).toBe('invoice');
    expect((subscription.items.data[0]!.price.product as Stripe.Product).name).toBe('Supporter');
    const customer = (await stripe.customers.retrieve((subscription.customer as Stripe.Customer).id, { expand: ['subscriptions'] })) as Stripe.Customer;
    expect(customer.subscriptions?.data.map((each) => each.id)).toEqual([subscription.id]);
    const lines = await stripe.checkout.sessions.listLineItems(session.id);
    expect(lines.data[0]).toMatchObject({ object: 'item', amount_total: 700, description: 'Supporter', quantity: 1 });
    const error = await caught(stripe.subscriptions.retrieve(subscription.id, { expand: ['status'] }));
    expect(error.message).toBe('This property cannot be expanded (status).');
  });
});

describe('errors', () => {
  it('answers missing and unknown parameters with 400 and the param', async () => {
    const missing = await caught(stripe.checkout.sessions.create({ line_items: [], success_url: 'https://fan.example/ok' } as unknown as Stripe.Checkout.SessionCreateParams));
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing.statusCode).toBe(400);
    expect(missing.type).toBe('StripeInvalidRequestError');
    expect(missing.rawType).toBe('invalid_request_error');
    expect(missing.code).toBe('parameter_missing');
    expect(missing.param).toBe('mode');
    expect(missing.message).toBe('Missing required param: mode.');
    const { month } = await makeTier(stripe);
    const quantity = await caught(stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: month.id }], success_url: 'https://fan.example/ok' }));
    expect(quantity.param).toBe('line_items[0][quantity]');
    const unknown = await caught(stripe.customers.create({ emale: 'x@example.com' } as Stripe.CustomerCreateParams));
    expect(unknown.code).toBe('parameter_unknown');
    expect(unknown.param).toBe('emale');
    const mismatch = await caught(stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' }));
    expect(mismatch.param).toBe('line_items[0][price]');
    expect(mismatch.message).toMatch(/recurring price/);
  });

  it('answers unknown ids with 404 resource_missing', async () => {
    const error = await caught(stripe.customers.retrieve('cus_nope'));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('resource_missing');
    expect(error.param).toBe('id');
    expect(error.message).toBe("No such customer: 'cus_nope'");
    const price = await caught(stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_nope', quantity: 1 }], success_url: 'https://fan.example/ok' }));
    expect(price.param).toBe('line_items[0][price]');
    expect(price.message).toBe("No such price: 'price_nope'");
    const route = await caught(stripe.rawRequest('GET', '/v1/nothing_here'));
    expect(route.statusCode).toBe(404);
    expect(route.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/nothing_here\)/);
  });

  it('answers a wrong key with 401 and never echoes the key', async () => {
    const wrong = client(standIn, 'sk_test_wrong_key_1234567890');
    const error = await caught(wrong.customers.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
    expect(error.message).toMatch(/^Invalid API Key provided: sk_test_\*+7890$/);
    expect(error.message).not.toContain('wrong_key');
  });

  it('honours Idempotency-Key: replays the first answer, refuses other parameters', async () => {
    const first = await stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'key-1' });
    const replay = await stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'key-1' });
    expect(replay.id).toBe(first.id);
    const headers = replay.lastResponse.headers as unknown as Headers;
    expect(headers.get('idempotent-replayed')).toBe('true');
    expect((await stripe.customers.list({ email: 'once@example.com' })).data).toHaveLength(1);
    const error = await caught(stripe.customers.create({ email: 'other@example.com' }, { idempotencyKey: 'key-1' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('refuses an Idempotency-Key longer than 255 characters, as Stripe does, and creates nothing', async () => {
    const error = await caught(stripe.customers.create({ email: 'long@example.com' }, { idempotencyKey: 'k'.repeat(256) }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(400);
    expect((await stripe.customers.list({ email: 'long@example.com' })).data).toEqual([]);
    expect((await stripe.customers.create({ email: 'long@example.com' }, { idempotencyKey: 'k'.repeat(255) })).email).toBe('long@example.com');
  });

  it('injects outages: 500, 429 and slow answers', async () => {
    standIn.faults.inject({ status: 500, path: '/v1/subscriptions' });
    const down = await caught(stripe.subscriptions.list());
    expect(down).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(down.statusCode).toBe(500);
    expect((await stripe.subscriptions.list()).data).toEqual([]);
    standIn.faults.inject({ status: 429, times: 2 });
    expect(await caught(stripe.customers.list())).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(await caught(stripe.customers.list())).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    standIn.faults.inject({ delayMs: 400 });
    const slow = new Stripe(KEY, { ...standIn.stripeOptions, httpClient: Stripe.createFetchHttpClient(), maxNetworkRetries: 0, timeout: 50 });
    expect(await caught(slow.customers.list())).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    standIn.faults.inject({ status: 503 });
    standIn.faults.clear();
    expect((await stripe.customers.list()).data).toEqual([]);
  });
});

describe("Stripe's metadata limits", () => {
  it('refuses values over 500 characters, keys over 40, and more than 50 keys, naming the parameter', async () => {
    await expect(stripe.customers.create({ metadata: { note: 'x'.repeat(501) } })).rejects.toMatchObject({ statusCode: 400, param: 'metadata[note]' });
    await expect(stripe.customers.create({ metadata: { ['k'.repeat(41)]: 'v' } })).rejects.toMatchObject({ statusCode: 400 });
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    await expect(stripe.customers.create({ metadata: many })).rejects.toMatchObject({ statusCode: 400, param: 'metadata' });
    const price = await stripe.prices.create({ currency: 'usd', unit_amount: 500, product_data: { name: 'Thing' } });
    await expect(
      stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: price.id, quantity: 1 }], success_url: 'https://fan.example/ok', metadata: { truefans_return: `/${'x'.repeat(500)}` } }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'metadata[truefans_return]' });
    expect((await stripe.customers.create({ metadata: { note: 'x'.repeat(500) } })).metadata.note).toHaveLength(500);
  });
});
