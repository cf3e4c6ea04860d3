import { client } from '../../tools/stripe-local/helpers.ts';
// The local Stripe stand-in with this fixture site's catalogue synced into it (by the real
// `npm run stripe:sync` code), a local outbox that collects emails, and the handler served over HTTP so
// the stand-in can deliver signed webhooks to it. One frozen clock for all of them. The outbox and the
// HTTP servers are the product's own (src/local/outbox.ts, src/adapters/node/listen.ts).

import type Stripe from 'stripe';
import { listen } from '../../../src/adapters/node/listen.ts';
import { createOutbox, OUTBOX_PREFIX, type StoredEmail } from '../../../src/local/outbox.ts';
import { siteSchema } from '../../../src/config/site-schema.ts';
import type { Handler } from '../../../src/core/ports.ts';
import { startStripeStandIn, type StandIn, type StandInOptions } from '../../../tools/stripe-local/index.ts';
import { syncStripe } from '../../../src/stripe-sync/catalog.ts';
import { makeHandler, NOW, ORIGIN, type StoreOption, type TestHandler } from './handler.ts';
import { buildFixture, type Fixture, type FixtureOptions } from './site.ts';
import { afterAll, beforeAll } from 'vitest';

export const WEBHOOK_SECRET = 'whsec_truefans_test_secret';
export const CREATOR = 'mira@mira.example';

/** site.yaml for the fixture site: the same tiers, prices and offer as its manifest. */
export const fixtureSite = siteSchema.parse({
  title: 'Mira Lune',
  url: ORIGIN,
  author: { name: 'Mira Lune' },
  tiers: [
    { id: 'supporter', name: 'Supporter', monthly: 5, yearly: 50 },
    { id: 'patron', name: 'Patron', monthly: 15, yearly: 150, trial_days: 7 },
  ],
  offers: [{ id: 'field-recordings', name: 'Field recordings, vol. 1', price: 12 }],
  pay_what_you_want: { minimum: 3, suggested: [5, 10] },
  fan_goal: 100,
});

export type Email = StoredEmail;

/** Serves a handler over HTTP as if at https://mira.example (for webhook delivery). */
export async function serveHandler(handler: () => Handler): Promise<{ url: string; close(): Promise<void> }> {
  return listen(
    async (request, context) => {
      const { pathname, search } = new URL(request.url);
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
      return handler()(new Request(`${ORIGIN}${pathname}${search}`, { method: request.method, headers: request.headers, ...(body ? { body } : {}) }), context);
    },
    { port: 0 },
  );
}

export interface World {
  standIn: StandIn;
  stripe: Stripe;
  outbox: readonly Email[];
  outboxUrl: string;
  env: Record<string, string>;
  /** A handler on the stand-in's clock; webhooks from the stand-in reach the latest one made. */
  handler(options?: { store?: StoreOption; env?: Record<string, string> }): TestHandler;
  close(): Promise<void>;
}

export async function startWorld(fixture: Fixture, standInOptions: StandInOptions = {}): Promise<World> {
  const mail = createOutbox();
  const outboxServer = await listen(mail.handle, { port: 0 });
  const outboxUrl = `${outboxServer.url}${OUTBOX_PREFIX}/messages`;
  const standIn = await startStripeStandIn({ port: 0, now: NOW, webhookRetryDelaysMs: [1, 1], ...standInOptions });
  const stripe = client(standIn);
  await syncStripe(stripe, fixtureSite);

  let current: TestHandler | undefined;
  const served = await serveHandler(() => current!.handle);
  standIn.setWebhook({ url: `${served.url}/_truefans/webhook`, secret: WEBHOOK_SECRET });
  const env = {
    STRIPE_API_BASE: standIn.url,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    EMAIL_PROVIDER: 'outbox',
    TRUEFANS_OUTBOX_URL: outboxUrl,
    EMAIL_FROM: 'Mira Lune <hello@mira.example>',
    CREATOR_EMAIL: CREATOR,
  };
  return {
    standIn,
    stripe,
    outbox: mail.messages,
    outboxUrl,
    env,
    handler(options = {}) {
      const made = makeHandler(fixture, { ...env, ...options.env }, { store: options.store ?? false, now: NOW });
      // The handler shares the stand-in's clock, so events signed at its time verify.
      const clock = made.clock;
      Object.defineProperty(clock, 'now', { get: () => standIn.clock.now(), set: () => { throw new Error('advance the stand-in clock instead'); } });
      current = made;
      return made;
    },
    async close() {
      await served.close();
      await standIn.close();
      await outboxServer.close();
    },
  };
}

/** Pays on the stand-in's hosted checkout page as a browser with scripts off would; returns where it redirects. */
export async function payOnHostedPage(sessionUrl: string, card = '4242 4242 4242 4242', email = 'fan@example.com', extra: Record<string, string> = {}): Promise<Response> {
  const page = await fetch(sessionUrl);
  if (!page.ok) throw new Error(`hosted checkout page answered ${page.status}`);
  await page.text();
  // The page's payment form posts back to the session's own URL.
  return fetch(sessionUrl, {
    method: 'POST',
    body: new URLSearchParams({ email, card_number: card, card_expiry: '12 / 34', card_cvc: '123', name: 'Ada Fan', ...extra }),
    redirect: 'manual',
  });
}

/**
 * A fixture deploy and a world for the whole test file (or the describe block it is called in): built
 * before its tests, closed after. `assign` hands both to the file's own variables.
 */
export function useWorld(assign: (built: { fixture: Fixture; world: World }) => void, standInOptions: StandInOptions = {}, fixtureOptions: FixtureOptions = {}): void {
  let fixture: Fixture | undefined;
  let world: World | undefined;
  beforeAll(async () => {
    fixture = await buildFixture(fixtureOptions);
    world = await startWorld(fixture, standInOptions);
    assign({ fixture, world });
  });
  afterAll(async () => {
    await world?.close();
    fixture?.cleanup();
  });
}
