// The two Stripes the contract runs against: Stripe's own test mode (when STRIPE_SECRET_KEY is a secret
// test key) and the local stand-in (otherwise). Each makes this run's catalogue with the real
// `npm run stripe:sync` code, hands out the client a creator's account is, and knows how to wait for what
// Stripe makes visible only later. The suite never asks which one it has, except for the one thing only
// the stand-in can do without a person: drive the hosted Checkout page and billing portal.

import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { siteSchema, type SiteConfig } from '../../src/config/site-schema.ts';
import { DEFAULT_SECRET_KEY, startStripeStandIn, type StandIn } from '../../tools/stripe-local/index.ts';
import { syncStripe } from '../../src/stripe-sync/catalog.ts';
import { lookupKey } from '../../src/core/manifest.ts';

// The site's address: the one the core test helpers' requests come from (SITE_URL's Origin check holds them to it).
export { ORIGIN } from '../core/helpers/handler.ts';
import { ORIGIN } from '../core/helpers/handler.ts';

export type Choice = { kind: 'stripe'; key: string } | { kind: 'stand-in' };

/**
 * Which Stripe to test against, from the environment. A live key is refused outright: this suite makes
 * customers, subscriptions, payments and refunds, which must never touch real money. The key itself is
 * never printed.
 */
export function chooseBackend(env: Record<string, string | undefined>): Choice {
  const key = env.STRIPE_SECRET_KEY?.trim() ?? '';
  if (/^(sk|rk)_live_/.test(key) || key.includes('_live_')) {
    throw new Error(
      'npm run test:stripe refuses a live Stripe key: it creates customers, subscriptions, payments and refunds. ' +
        'Use your test-mode secret key (sk_test_..., from https://dashboard.stripe.com/test/apikeys), or unset STRIPE_SECRET_KEY to test against the local stand-in.',
    );
  }
  if (!key || key === DEFAULT_SECRET_KEY || env.STRIPE_API_BASE?.trim()) return { kind: 'stand-in' };
  if (!key.startsWith('sk_test_')) {
    throw new Error(
      'npm run test:stripe needs a secret test-mode key in STRIPE_SECRET_KEY (it starts with sk_test_; a restricted or publishable key cannot run the whole contract), ' +
        'or no STRIPE_SECRET_KEY at all to test against the local stand-in.',
    );
  }
  return { kind: 'stripe', key };
}

export interface HostedPayment {
  email: string;
  card?: string;
  /** Pay what you want: the amount typed on the page, in major units. */
  amount?: string;
}

export interface Backend {
  kind: Choice['kind'];
  /** For test names and messages. */
  label: string;
  /** A short id for this run; every id, lookup key and email made by the run carries it. */
  run: string;
  /** The creator's Stripe account. */
  stripe: Stripe;
  /** This run's site.yaml, already synced to Stripe. */
  site: SiteConfig;
  /** The secret key and API base the edge function gets. */
  handlerEnv: Record<string, string>;
  /** Stripe's clock (the stand-in's is frozen and moves only when told). */
  now(): number;
  /**
   * Repeats `attempt` until it answers something, letting Stripe's eventually consistent reads catch up
   * (search: "data is searchable in under 1 minute", docs.stripe.com/search): real Stripe waits between
   * tries, the stand-in moves its clock past its indexing lag.
   */
  eventually<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T>;
  /** Only where a hosted page can be driven without a browser on Stripe's site: the stand-in. */
  hosted?: {
    pay(sessionUrl: string, payment: HostedPayment): Promise<Response>;
    /** Posts a form of the hosted billing portal (`/p/session/<id>/<action>`). */
    portal(portalUrl: string, action: 'switch' | 'cancel', fields: Record<string, string>): Promise<Response>;
  };
  /** Remembers a customer the run made, to delete at the end. */
  madeCustomer(id: string): void;
  /** Deletes and archives what the run made. */
  close(): Promise<void>;
}

/** This run's site: the shape of the example site, with ids unique to the run so runs never collide. */
export function contractSite(run: string): SiteConfig {
  return siteSchema.parse({
    title: `Contract ${run}`,
    url: ORIGIN,
    author: { name: 'Contract Creator' },
    currency: 'usd',
    tiers: [
      { id: `listener-${run}`, name: `Listener ${run}`, monthly: 5, yearly: 50 },
      { id: `patron-${run}`, name: `Patron ${run}`, monthly: 15, yearly: 150, trial_days: 7 },
    ],
    offers: [{ id: `songbook-${run}`, name: `Songbook ${run}`, price: 12 }],
    pay_what_you_want: { minimum: 3, suggested: [5, 10] },
    fan_goal: 100,
  });
}

/** 2026-11-22T12:00:00Z: the stand-in's frozen start. */
const STAND_IN_START = Date.UTC(2026, 10, 22, 12, 0, 0);

export async function startBackend(choice: Choice): Promise<Backend> {
  const run = `r${randomBytes(4).toString('hex')}`;
  return choice.kind === 'stripe' ? stripeBackend(choice.key, run) : standInBackend(run);
}

async function standInBackend(run: string): Promise<Backend> {
  // No webhook target: on both backends the suite reads events back and delivers them itself.
  const standIn: StandIn = await startStripeStandIn({ port: 0, now: STAND_IN_START });
  const stripe = new Stripe(DEFAULT_SECRET_KEY, { ...standIn.stripeOptions, httpClient: Stripe.createFetchHttpClient(), maxNetworkRetries: 0 });
  const site = contractSite(run);
  await syncStripe(stripe, site);
  return {
    kind: 'stand-in',
    label: 'the local stand-in',
    run,
    stripe,
    site,
    handlerEnv: { STRIPE_SECRET_KEY: DEFAULT_SECRET_KEY, STRIPE_API_BASE: standIn.url },
    now: () => standIn.clock.now(),
    async eventually(what, attempt) {
      for (let i = 0; i < 30; i++) {
        const value = await attempt();
        if (value !== undefined) return value;
        await standIn.clock.advance(5);
      }
      throw new Error(`The stand-in never showed ${what}, even 150 seconds later on its clock.`);
    },
    hosted: {
      async pay(sessionUrl, payment) {
        const page = await fetch(sessionUrl);
        if (!page.ok) throw new Error(`The hosted checkout page answered ${page.status}.`);
        await page.text();
        const form = new URLSearchParams({ email: payment.email, card_number: payment.card ?? '4242 4242 4242 4242', card_expiry: '12 / 34', card_cvc: '123', name: 'Contract Fan' });
        if (payment.amount !== undefined) form.set('amount', payment.amount);
        return fetch(sessionUrl, { method: 'POST', body: form, redirect: 'manual' });
      },
      portal(portalUrl, action, fields) {
        return fetch(`${portalUrl}/${action}`, { method: 'POST', body: new URLSearchParams(fields), headers: { origin: standIn.url }, redirect: 'manual' });
      },
    },
    madeCustomer() {},
    close: () => standIn.close(),
  };
}

async function stripeBackend(key: string, run: string): Promise<Backend> {
  const stripe = new Stripe(key, { maxNetworkRetries: 2, telemetry: false });
  await stripe.customers.list({ limit: 1 }).catch((error: { statusCode?: number; message?: string }) => {
    throw new Error(error.statusCode === 401 ? 'Stripe does not accept STRIPE_SECRET_KEY. Copy your test-mode secret key again from https://dashboard.stripe.com/test/apikeys.' : `Stripe could not be reached: ${error.message}`);
  });
  const site = contractSite(run);
  const customers: string[] = [];
  let synced = false;
  const close = async () => {
    // Test-mode customers can be deleted (their subscriptions end with them); prices and products that
    // were ever used cannot, so they are archived, and archived objects never reach a fan.
    for (const id of customers) await stripe.customers.del(id).catch(() => undefined);
    if (!synced) return;
    const keys = [
      ...site.tiers.flatMap((t) => [lookupKey.tier(t.id, 'month'), lookupKey.tier(t.id, 'year')]),
      ...site.offers.map((o) => lookupKey.offer(o.id)),
    ];
    const products = new Set<string>();
    for (const price of (await stripe.prices.list({ lookup_keys: keys, limit: 100 })).data) {
      products.add(typeof price.product === 'string' ? price.product : price.product.id);
      await stripe.prices.update(price.id, { active: false }).catch(() => undefined);
    }
    for (const product of products) await stripe.products.update(product, { active: false }).catch(() => undefined);
  };
  try {
    await syncStripe(stripe, site);
    synced = true;
  } catch (error) {
    await close();
    throw error;
  }
  return {
    kind: 'stripe',
    label: 'Stripe test mode',
    run,
    stripe,
    site,
    handlerEnv: { STRIPE_SECRET_KEY: key },
    now: () => Date.now(),
    async eventually(what, attempt) {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const value = await attempt();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`Stripe never showed ${what}, even after 90 seconds.`);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    },
    madeCustomer(id) {
      customers.push(id);
    },
    close,
  };
}
