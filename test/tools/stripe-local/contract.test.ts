// The contract with Stripe's own fixtures: every object the stand-in returns (API answers, list wrappers,
// expanded and nested objects, webhook events and their payloads) has the same top-level keys and the
// same JSON value types as Stripe's example for its `object` type (test/fixtures/stripe/*.json).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeStandIn, type StandIn } from '../../../tools/stripe-local/index.ts';
import { DAY, KEY, T0, pay, portalConfiguration, postForm, webhookReceiver } from './helpers.ts';
import { lookupKey } from '../../../src/core/manifest.ts';

const FIXTURES_DIR = join(import.meta.dirname, '../../fixtures/stripe');
const fixtures: Record<string, Record<string, unknown>> = Object.fromEntries(
  readdirSync(FIXTURES_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => [name.slice(0, -'.json'.length), JSON.parse(readFileSync(join(FIXTURES_DIR, name), 'utf8'))]),
);

/** Fields Stripe adds only when asked with `expand[]` ("includable"), by object type. */
const INCLUDABLE: Record<string, string[]> = { 'checkout.session': ['line_items'], customer: ['subscriptions'], charge: ['refunds'] };

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

interface Problem {
  where: string;
  problem: string;
}

/** Checks one object and everything nested in it; returns what does not match, and records what it saw. */
function checkDeep(value: unknown, where: string, seen: Set<string>, problems: Problem[]): void {
  if (Array.isArray(value)) {
    value.forEach((each, index) => checkDeep(each, `${where}[${index}]`, seen, problems));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  if (typeof record.object === 'string') {
    const type = record.object;
    if (record.deleted === true) {
      if (Object.keys(record).sort().join() !== 'deleted,id,object') problems.push({ where, problem: `deleted ${type} has keys ${Object.keys(record).join()}` });
      return;
    }
    seen.add(type);
    const fixture = fixtures[type];
    if (!fixture) {
      problems.push({ where, problem: `no fixture for object type "${type}"` });
    } else {
      const includable = INCLUDABLE[type] ?? [];
      const actualKeys = Object.keys(record).filter((key) => !includable.includes(key));
      // Stripe's charge fixture still shows `refunds`, which the API now returns only when expanded.
      const fixtureKeys = Object.keys(fixture).filter((key) => !includable.includes(key));
      const missing = fixtureKeys.filter((key) => !actualKeys.includes(key));
      const extra = actualKeys.filter((key) => !fixtureKeys.includes(key));
      if (missing.length > 0) problems.push({ where, problem: `${type} lacks ${missing.join(', ')}` });
      if (extra.length > 0) problems.push({ where, problem: `${type} has extra ${extra.join(', ')}` });
      for (const key of fixtureKeys) {
        if (!(key in record)) continue;
        const want = jsonType(fixture[key]);
        const got = jsonType(record[key]);
        const expandedId = want === 'string' && got === 'object' && typeof (record[key] as Record<string, unknown>).object === 'string';
        if (want !== got && want !== 'null' && got !== 'null' && !expandedId) {
          problems.push({ where: `${where}.${key}`, problem: `${type}.${key} is ${got}, Stripe's fixture has ${want}` });
        }
      }
    }
  }
  for (const [key, nested] of Object.entries(record)) checkDeep(nested, `${where}.${key}`, seen, problems);
}

let standIn: StandIn;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
const answers: { call: string; body: unknown }[] = [];

/** The real `stripe` package, with a fetch that keeps a copy of every JSON answer. */
function recordingClient(): Stripe {
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const text = await response.clone().text();
    if (response.ok) answers.push({ call: `${init?.method ?? 'GET'} ${String(input)}`, body: JSON.parse(text) });
    return response;
  };
  return new Stripe(KEY, { ...standIn.stripeOptions, httpClient: Stripe.createFetchHttpClient(recordingFetch), maxNetworkRetries: 0 });
}

beforeAll(async () => {
  receiver = await webhookReceiver();
  standIn = await startStripeStandIn({ port: 0, now: T0, webhook: { url: receiver.url, secret: 'whsec_contract' }, webhookRetryDelaysMs: [1] });
  const stripe = recordingClient();

  // The catalogue, as stripe:sync makes it.
  const product = await stripe.products.create({ name: 'Supporter', description: 'Every post', metadata: { truefans_tier: 'supporter' } });
  const month = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 700, recurring: { interval: 'month' }, lookup_key: lookupKey.tier('supporter', 'month') });
  const year = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 7000, recurring: { interval: 'year' }, lookup_key: lookupKey.tier('supporter', 'year'), metadata: { tier: 'supporter' } });
  const tip = await stripe.prices.create({ currency: 'usd', custom_unit_amount: { enabled: true, minimum: 300 }, product_data: { name: 'Tip jar' }, lookup_key: 'truefans:pwyw' });
  await stripe.prices.update(month.id, { metadata: { tier: 'supporter' } });
  await stripe.products.update(product.id, { default_price: year.id });
  await stripe.products.retrieve(product.id);
  await stripe.products.list({ active: true });
  const configuration = await portalConfiguration(stripe, [{ product, month, year }]);
  await stripe.billingPortal.configurations.update(configuration.id, { metadata: { truefans_portal: 'https://fan.example' } });
  await stripe.billingPortal.configurations.list({ active: true });
  await stripe.prices.list({ lookup_keys: [lookupKey.tier('supporter', 'month'), lookupKey.tier('supporter', 'year')], expand: ['data.product'] });
  await stripe.prices.retrieve(year.id, { expand: ['product'] });
  const coupon = await stripe.coupons.create({ percent_off: 20, duration: 'repeating', duration_in_months: 3, name: 'Friends' });
  await stripe.coupons.create({ amount_off: 100, currency: 'usd', duration: 'once' });
  await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'FRIENDS' });

  // A trial with a promotion code, a plain subscription that will fail renewals, a one-time payment,
  // a pay-what-you-want payment, and an abandoned session.
  const trial = await stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: year.id, quantity: 1 }],
    subscription_data: { trial_period_days: 7, metadata: { tier: 'supporter' } },
    allow_promotion_codes: true,
    success_url: 'https://fan.example/ok?cs={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://fan.example/posts/a/',
    client_reference_id: 'nonce',
    metadata: { from: '/posts/a/' },
  });
  await postForm(`${trial.url}/promotion`, { promotion_code: 'FRIENDS' });
  await pay(trial, { email: 'trial@example.com' });
  const failing = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
  await pay(failing, { email: 'failing@example.com', card: '4000 0000 0000 0341' });
  const zine = await stripe.checkout.sessions.create({
    mode: 'payment',
    customer_creation: 'always',
    line_items: [{ price_data: { currency: 'usd', unit_amount: 1500, product_data: { name: 'Zine' } }, quantity: 1 }],
    success_url: 'https://fan.example/thanks',
  });
  await pay(zine, { email: 'buyer@example.com' });
  const tipSession = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: tip.id, quantity: 1 }], success_url: 'https://fan.example/thanks' });
  await pay(tipSession, { email: 'tipper@example.com', amount: '5' });
  const abandoned = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: month.id, quantity: 1 }], customer_email: 'later@example.com', success_url: 'https://fan.example/ok' });
  await stripe.checkout.sessions.expire(abandoned.id);

  const done = await stripe.checkout.sessions.retrieve(trial.id, { expand: ['line_items', 'subscription.discounts', 'customer', 'invoice'] });
  const paidZine = await stripe.checkout.sessions.retrieve(zine.id, { expand: ['payment_intent.payment_method', 'line_items.data.price.product'] });
  const zineIntent = (paidZine.payment_intent as Stripe.PaymentIntent).id;
  await stripe.refunds.create({ payment_intent: zineIntent, amount: 500 });
  const disputed = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: tip.id, quantity: 1 }], success_url: 'https://fan.example/thanks' });
  await pay(disputed, { email: 'chargeback@example.com', amount: '9', card: '4000 0000 0000 0259' });
  await stripe.disputes.list({ expand: ['data.charge'] });
  await stripe.checkout.sessions.list({ customer: (done.customer as Stripe.Customer).id, status: 'complete', expand: ['data.subscription'] });
  await stripe.checkout.sessions.listLineItems(failing.id);
  const customerId = (done.customer as Stripe.Customer).id;
  await stripe.checkout.sessions.list({ customer: customerId, status: 'complete', expand: ['data.subscription'] });
  await stripe.checkout.sessions.listLineItems(failing.id);
  await stripe.customers.update(customerId, { metadata: { fan: 'yes' } });
  await stripe.customers.list({ email: 'trial@example.com', expand: ['data.subscriptions'] });
  await stripe.subscriptions.list({ customer: customerId, status: 'all', expand: ['data.latest_invoice', 'data.default_payment_method'] });
  const portal = await stripe.billingPortal.sessions.create({ customer: customerId, return_url: 'https://fan.example/account', configuration: configuration.id });
  await postForm(`${portal.url}/switch`, { subscription: String(done.subscription && (done.subscription as Stripe.Subscription).id), price: month.id });
  await postForm(`${portal.url}/cancel`, { subscription: String((done.subscription as Stripe.Subscription).id), when: 'period_end' });

  // A month and a half later: the trial ended, renewals ran, the failing card went past due.
  await standIn.clock.advance(45 * DAY);
  await stripe.invoices.list({ limit: 100 });
  const subscriptions = await stripe.subscriptions.list({ status: 'all' });
  await stripe.subscriptions.update(subscriptions.data[0]!.id, { metadata: { note: 'x' } });
  await stripe.subscriptions.cancel(subscriptions.data[0]!.id);
  await stripe.customers.del((await stripe.customers.create({ email: 'gone@example.com' })).id);
  const events = await stripe.events.list({ limit: 100 });
  await stripe.events.retrieve(events.data[0]!.id);
  await standIn.webhooks.flush();
});

afterAll(async () => {
  await standIn.close();
  await receiver.close();
});

describe("the contract with Stripe's fixtures", () => {
  it('holds for every API answer, including lists, expanded and nested objects', () => {
    expect(answers.length).toBeGreaterThan(40);
    const seen = new Set<string>();
    const problems: Problem[] = [];
    for (const answer of answers) checkDeep(answer.body, answer.call, seen, problems);
    expect(problems).toEqual([]);
    expect([...seen].sort()).toEqual(Object.keys(fixtures).sort());
  });

  it('holds for every webhook event and its payload', () => {
    expect(receiver.received.length).toBeGreaterThan(40);
    const seen = new Set<string>();
    const problems: Problem[] = [];
    for (const delivery of receiver.received) checkDeep(JSON.parse(delivery.body), 'webhook', seen, problems);
    expect(problems).toEqual([]);
    for (const type of ['event', 'checkout.session', 'subscription', 'invoice', 'customer', 'price', 'product']) expect(seen).toContain(type);
  });

  it("the fixtures are Stripe's shapes, not the stand-in's (a sanity check on the check)", () => {
    const problems: Problem[] = [];
    checkDeep({ ...fixtures.customer, object: 'customer', surprise: 1 }, 'probe', new Set(), problems);
    checkDeep({ ...fixtures.price, unit_amount: 'seven' }, 'probe', new Set(), problems);
    const { email: _email, ...withoutEmail } = fixtures.customer as Record<string, unknown>;
    checkDeep(withoutEmail, 'probe', new Set(), problems);
    expect(problems.map((problem) => problem.problem)).toEqual([
      'customer has extra surprise',
      "price.unit_amount is string, Stripe's fixture has number",
      'customer lacks email',
    ]);
  });
});
