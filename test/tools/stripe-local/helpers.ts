// Shared setup: a stand-in on a free port with a frozen clock, the real `stripe` package pointed at it,
// and a plain-fetch driver for the hosted pages (the way a browser without JavaScript posts forms).
import { listen } from '../../../src/adapters/node/listen.ts';
import Stripe from 'stripe';
import { afterEach, beforeEach } from 'vitest';
import { startStripeStandIn, type StandIn, type StandInOptions } from '../../../tools/stripe-local/index.ts';
import { lookupKey } from '../../../src/core/manifest.ts';

export const KEY = 'sk_test_truefans_local';
/** 2026-03-01T12:00:00Z: a fixed start for every test clock. */
export const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
export const DAY = 86_400;

export async function start(options: StandInOptions = {}): Promise<{ standIn: StandIn; stripe: Stripe }> {
  const standIn = await startStripeStandIn({ port: 0, now: T0, webhookRetryDelaysMs: [1, 1, 1], ...options });
  return { standIn, stripe: client(standIn) };
}

/** A fresh stand-in (and client) for every test of the file, closed after it; `use` receives each pair. */
export function freshForEachTest(use: (world: { standIn: StandIn; stripe: Stripe }) => void, options: StandInOptions = {}): void {
  let current: StandIn | undefined;
  beforeEach(async () => {
    const world = await start(options);
    current = world.standIn;
    use(world);
  });
  afterEach(async () => {
    await current?.close();
  });
}

export function client(standIn: StandIn, key = KEY): Stripe {
  return new Stripe(key, { ...standIn.stripeOptions, httpClient: Stripe.createFetchHttpClient(), maxNetworkRetries: 0 });
}

/** A creator's catalogue as `stripe:sync` would make it: one product, monthly and yearly prices by lookup key. */
export async function makeTier(stripe: Stripe, id = 'supporter', monthly = 700, yearly = 7000) {
  const product = await stripe.products.create({ name: id === 'supporter' ? 'Supporter' : `Tier ${id}`, metadata: { truefans_tier: id } });
  const month = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: monthly,
    recurring: { interval: 'month' },
    lookup_key: lookupKey.tier(id, 'month'),
  });
  const year = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: yearly,
    recurring: { interval: 'year' },
    lookup_key: lookupKey.tier(id, 'year'),
  });
  return { product, month, year };
}

/**
 * A portal configuration as `stripe:sync` makes one: switching between the given tiers' prices, cancel
 * with reasons, card and invoices. Stripe (and the stand-in) refuse portal sessions without one.
 */
export async function portalConfiguration(stripe: Stripe, tiers: { product: Stripe.Product; month: Stripe.Price; year: Stripe.Price }[]) {
  return stripe.billingPortal.configurations.create({
    features: {
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: { enabled: true, mode: 'at_period_end', cancellation_reason: { enabled: true, options: ['too_expensive', 'unused', 'other'] } },
      subscription_update: {
        enabled: true,
        default_allowed_updates: ['price'],
        proration_behavior: 'create_prorations',
        products: tiers.map((tier) => ({ product: tier.product.id, prices: [tier.month.id, tier.year.id] })),
      },
    },
  });
}

export interface PayInput {
  email?: string;
  card?: string;
  expiry?: string;
  cvc?: string;
  name?: string;
  amount?: string;
}

/** Posts the hosted checkout form as a browser would; returns the raw response (redirects not followed). */
export async function pay(session: { url: string | null }, input: PayInput = {}): Promise<Response> {
  if (!session.url) throw new Error('session has no url');
  const form = new URLSearchParams({
    email: input.email ?? 'fan@example.com',
    card_number: input.card ?? '4242 4242 4242 4242',
    card_expiry: input.expiry ?? '12 / 34',
    card_cvc: input.cvc ?? '123',
    name: input.name ?? 'Fan Example',
  });
  if (input.amount !== undefined) form.set('amount', input.amount);
  return fetch(session.url, { method: 'POST', body: form, redirect: 'manual' });
}

export async function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
}

/** A webhook endpoint that records what it gets; `fail` lets a test make it answer 500 for a while. */
/** A site's webhook endpoint, served by the Node adapter's own `listen`: records each delivery, or fails the first few. */
export async function webhookReceiver() {
  const received: { body: string; signature: string }[] = [];
  const state = { failFirst: 0 };
  const server = await listen(
    async (request) => {
      const body = await request.text();
      if (state.failFirst > 0) {
        state.failFirst -= 1;
        return new Response('nope', { status: 500 });
      }
      received.push({ body, signature: String(request.headers.get('stripe-signature')) });
      return new Response('ok');
    },
    { port: 0 },
  );
  return { url: `${server.url}/webhook`, received, state, close: () => server.close() };
}

/** The Stripe error a call that must fail throws (the test fails if it succeeds). */
export async function caught(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}
