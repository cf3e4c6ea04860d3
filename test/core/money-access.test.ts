// Access follows the money: a refunded or disputed one-time purchase stops opening its post and file,
// `unpaid` ends access whatever TRUEFANS_PAST_DUE says, and a change mark never moves backwards. Against
// the local stand-in through the real `stripe` package, with its webhooks delivered to the handler.

import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { markChanged } from '../../src/core/routes/webhook-events.ts';
import { statusGrants } from '../../src/core/holdings.ts';
import { changedKey } from '../../src/core/fan.ts';
import { cookieHeader, cookiesFrom, form, NOW, request, sessionFor, type TestHandler } from './helpers/handler.ts';
import { payOnHostedPage, useWorld, WEBHOOK_SECRET, type World } from './helpers/stand-in.ts';
import { SECRET_TEXT } from './helpers/site.ts';

let world: World;
useWorld((built) => ({ world } = built));

/** Buys the offer on the hosted page and comes back; returns the buyer's cookie and the session. */
async function buyOffer(handler: TestHandler, card: string, email: string) {
  const start = await handler.handle(form('/_truefans/checkout', { offer: 'field-recordings', return_to: '/posts/album-notes/' }));
  const paid = await payOnHostedPage(start.headers.get('location')!, card, email);
  const back = new URL(paid.headers.get('location')!);
  const jar = cookiesFrom(start);
  const complete = await handler.handle(request(back.pathname + back.search, { cookie: cookieHeader(jar) }));
  const cookie = `__Host-truefans=${cookiesFrom(complete).get('__Host-truefans')}`;
  const session = await world.stripe.checkout.sessions.retrieve(back.searchParams.get('session_id')!, { expand: ['payment_intent'] });
  await world.standIn.webhooks.flush();
  return { cookie, session, intent: session.payment_intent as Stripe.PaymentIntent, complete };
}

const opens = async (handler: TestHandler, cookie: string) => (await (await handler.handle(request('/posts/album-notes/', { cookie }))).text()).includes(SECRET_TEXT.offer);

describe('refunds and disputes', () => {
  it('a full refund closes the purchase at once (webhook mark); a partial one does not', async () => {
    const handler = world.handler({ store: true });
    const { cookie, intent } = await buyOffer(handler, '4242 4242 4242 4242', 'refund@example.com');
    expect(await opens(handler, cookie)).toBe(true);
    expect((await handler.handle(request('/_truefans/asset/a1/recordings.zip', { cookie }))).status).toBe(200);

    await world.stripe.refunds.create({ payment_intent: intent.id, amount: 100 });
    await world.standIn.webhooks.flush();
    expect(await opens(handler, cookie)).toBe(true);

    await world.standIn.clock.advance(5);
    await world.stripe.refunds.create({ payment_intent: intent.id });
    await world.standIn.webhooks.flush();
    const after = await handler.handle(request('/posts/album-notes/', { cookie }));
    expect(await after.text()).not.toContain(SECRET_TEXT.offer);
    const renewed = `__Host-truefans=${cookiesFrom(after).get('__Host-truefans')}`;
    const file = await handler.handle(request('/_truefans/asset/a1/recordings.zip', { cookie: renewed }));
    expect(file.status).not.toBe(200);
  });

  it('a disputed purchase (the 0259 card) stops opening, even without a store, at the next re-check', async () => {
    const handler = world.handler();
    const { cookie, complete } = await buyOffer(handler, '4000 0000 0000 0259', 'dispute@example.com');
    // The checkout's own completion already reads the charge: a disputed payment opens nothing.
    expect(await complete.text()).not.toContain('Field recordings, vol. 1.');
    await world.standIn.clock.advance(3601);
    expect(await opens(handler, cookie)).toBe(false);
  });

  it('charge.dispute.created marks the buyer changed when there is a store', async () => {
    const handler = world.handler({ store: true });
    const { session } = await buyOffer(handler, '4000 0000 0000 0259', 'dispute2@example.com');
    expect(handler.store.data.get(changedKey(session.customer as string))).toBeDefined();
  });
});

describe('the status table', () => {
  it('unpaid ends access whatever TRUEFANS_PAST_DUE says; past_due follows it', () => {
    expect(statusGrants('unpaid', 'keep')).toBe(false);
    expect(statusGrants('unpaid', 'revoke')).toBe(false);
    expect(statusGrants('past_due', 'keep')).toBe(true);
    expect(statusGrants('past_due', 'revoke')).toBe(false);
  });
});

describe('change marks', () => {
  it('never move backwards when events arrive out of order', async () => {
    const handler = world.handler({ store: true });
    const store = handler.store;
    const app = { store, config: { recheckSeconds: 3600 } } as unknown as Parameters<typeof markChanged>[0];
    await markChanged(app, 'cus_order', 200);
    await markChanged(app, 'cus_order', 100);
    expect(store.data.get(changedKey('cus_order'))).toBe('200');
    await markChanged(app, { id: 'cus_order' }, 300);
    expect(store.data.get(changedKey('cus_order'))).toBe('300');
  });
});

const crypto = Stripe.createSubtleCryptoProvider();
/** Delivers a stored Stripe event to the handler again, signed as Stripe signs it (a redelivery). */
async function redeliver(handler: TestHandler, event: Stripe.Event): Promise<Response> {
  const body = JSON.stringify(event);
  const signature = await world.stripe.webhooks.generateTestHeaderStringAsync({ payload: body, secret: WEBHOOK_SECRET, timestamp: Math.floor(world.standIn.clock.now() / 1000), cryptoProvider: crypto });
  return handler.handle(request('/_truefans/webhook', { method: 'POST', body, origin: null, headers: { 'content-type': 'application/json', 'stripe-signature': signature } }));
}
const mails = (kind: string, to: string) => world.outbox.filter((m) => m.kind === kind && m.to === to).length;
const creatorNotes = (fan: string) => world.outbox.filter((m) => m.kind === 'new-fan' && m.text.includes(fan)).length;
async function eventFor(type: string, session: string): Promise<Stripe.Event> {
  const events = await world.stripe.events.list({ type, limit: 100 });
  return events.data.find((e) => (e.data.object as Stripe.Checkout.Session).id === session)!;
}

describe('payments that settle later (bank debit)', () => {
  async function startBankDebit(handler: TestHandler, email: string, iban: string) {
    const start = await handler.handle(form('/_truefans/checkout', { offer: 'field-recordings', return_to: '/posts/album-notes/' }));
    const url = start.headers.get('location')!;
    const paid = await fetch(`${url}/bank`, { method: 'POST', body: new URLSearchParams({ email, iban, name: 'Ada Bank' }), redirect: 'manual' });
    const back = new URL(paid.headers.get('location')!);
    const complete = await handler.handle(request(back.pathname + back.search, { cookie: cookieHeader(cookiesFrom(start)) }));
    await world.standIn.webhooks.flush();
    return { complete, session: back.searchParams.get('session_id')! };
  }

  it('says "processing" on return, then welcomes and opens when the money arrives', async () => {
    const handler = world.handler();
    const email = 'sepa@example.com';
    const { complete } = await startBankDebit(handler, email, 'AT611904300234573201');
    expect(complete.status).toBe(202);
    const page = await complete.text();
    expect(page).toContain('Your payment is processing');
    expect(page).not.toContain(SECRET_TEXT.offer);
    expect(mails('welcome', email)).toBe(0);

    await world.standIn.clock.advance(180);
    await world.stripe.customers.list({ limit: 1 }); // any call lets the stand-in's clock run what is due
    await world.standIn.webhooks.flush();
    expect(mails('welcome', email)).toBe(1);
    expect(creatorNotes('Ada Bank')).toBe(1);
    const customer = (await world.stripe.customers.list({ email })).data[0]!;
    const { readEntitlements } = await import('../../src/billing/stripe/entitlements.ts');
    const ent = await readEntitlements(world.stripe, customer.id, { pastDue: 'keep', tierIds: ['supporter', 'patron'], offerIds: ['field-recordings'] });
    expect(ent.offers).toEqual(['field-recordings']);
  });

  it('a failed bank debit grants nothing and sends no welcome', async () => {
    const handler = world.handler();
    const email = 'sepa-fails@example.com';
    await startBankDebit(handler, email, 'AT861904300235473202');
    await world.standIn.clock.advance(180);
    await world.stripe.customers.list({ limit: 1 });
    await world.standIn.webhooks.flush();
    expect((await world.stripe.events.list({ type: 'checkout.session.async_payment_failed' })).data.length).toBeGreaterThan(0);
    expect(mails('welcome', email)).toBe(0);
    const customer = (await world.stripe.customers.list({ email })).data[0]!;
    const { readEntitlements } = await import('../../src/billing/stripe/entitlements.ts');
    const ent = await readEntitlements(world.stripe, customer.id, { pastDue: 'keep', tierIds: ['supporter', 'patron'], offerIds: ['field-recordings'] });
    expect(ent.offers).toEqual([]);
  });
});

describe('emails once per checkout, without a store', () => {
  it('a redelivered checkout.session.completed sends no second welcome or creator note', async () => {
    const handler = world.handler();
    const email = 'twice@example.com';
    const { session } = await buyOffer(handler, '4242 4242 4242 4242', email);
    expect(mails('welcome', email)).toBe(1);
    const event = await eventFor('checkout.session.completed', session.id);
    const again = await redeliver(handler, event);
    expect(again.status).toBe(200);
    expect(mails('welcome', email)).toBe(1);
    expect(creatorNotes('Ada Fan')).toBeGreaterThan(0);
    const notes = creatorNotes('Ada Fan');
    await redeliver(handler, event);
    expect(creatorNotes('Ada Fan')).toBe(notes);
    // The marks live on the session in Stripe.
    const marked = await world.stripe.checkout.sessions.retrieve(session.id);
    expect(marked.metadata).toHaveProperty('truefans_welcome_sent');
    expect(marked.metadata).toHaveProperty('truefans_creator_told');
  });

  it('a handler that fails midway (Stripe down while counting fans) is retried without a second welcome', async () => {
    const handler = world.handler();
    const email = 'midway@example.com';
    world.standIn.setWebhook(undefined); // deliver this one by hand
    const start = await handler.handle(form('/_truefans/checkout', { offer: 'field-recordings', return_to: '/posts/album-notes/' }));
    const paid = await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', email, { name: 'Mid Way' });
    const id = new URL(paid.headers.get('location')!).searchParams.get('session_id')!;
    const event = await eventFor('checkout.session.completed', id);

    world.standIn.faults.inject({ status: 500, method: 'GET', path: /^\/v1\/subscriptions/, times: 1 });
    const failed = await redeliver(handler, event);
    expect(failed.status).toBe(503);
    expect(mails('welcome', email)).toBe(1);
    expect(creatorNotes('Mid Way')).toBe(0);

    const retried = await redeliver(handler, event);
    expect(retried.status).toBe(200);
    expect(mails('welcome', email)).toBe(1);
    expect(creatorNotes('Mid Way')).toBe(1);
    await redeliver(handler, event);
    expect(mails('welcome', email)).toBe(1);
    expect(creatorNotes('Mid Way')).toBe(1);
  });
});

describe('metadata Stripe accepts', () => {
  it('a very long return path never reaches Stripe: checkout starts and stores /', async () => {
    const handler = world.handler();
    const start = await handler.handle(form('/_truefans/checkout', { offer: 'field-recordings', return_to: `/posts/${'x'.repeat(600)}` }));
    expect(start.status).toBe(303);
    const id = /\/c\/pay\/(cs_[^/?]+)/.exec(start.headers.get('location')!)![1]!;
    const session = await world.stripe.checkout.sessions.retrieve(id);
    expect(session.metadata?.truefans_return).toBe('/');
  });
});

describe("Stripe's own words reach the creator's log", () => {
  it('a refused portal session logs Stripe\'s message and request id, and the fan gets a plain page', async () => {
    const { stripeDetail } = await import('../../src/billing/stripe/faults.ts');
    const configurations = await world.stripe.billingPortal.configurations.list({ active: true });
    for (const c of configurations.data) await world.stripe.billingPortal.configurations.update(c.id, { active: false });
    try {
      const handler = world.handler();
      const { cookie } = await buyOffer(handler, '4242 4242 4242 4242', 'portal-log@example.com');
      const response = await handler.handle(form('/_truefans/portal', {}, { cookie }));
      expect(response.status).toBeGreaterThanOrEqual(500);
      const page = await response.text();
      expect(page).not.toContain('dashboard.stripe.com');
      const line = handler.logs.find((l) => l.includes('opening the billing portal'))!;
      expect(line).toContain('TF_STRIPE_REFUSED: Stripe refused a request while opening the billing portal (HTTP 400).');
      expect(line).toContain('Stripe said: "You can’t create a portal session in test mode until you save your customer portal settings');
      expect(line).toMatch(/request req_[A-Za-z0-9]+\./);
      expect(line).not.toContain('portal-log@example.com');
    } finally {
      for (const c of configurations.data) await world.stripe.billingPortal.configurations.update(c.id, { active: true });
    }
    const echoed = Stripe.errors.StripeError.generate({ type: 'invalid_request_error', message: 'Invalid email address: Jane.Doe@Example.com (key sk_live_abc123XYZ)', code: 'email_invalid', param: 'email' } as never);
    expect(stripeDetail(echoed)).toBe('Stripe said: "Invalid email address: [redacted] (key [redacted])"; param email.');
  });
});

describe('a customer Stripe no longer knows (test keys swapped for live ones)', () => {
  it('signs the fan out cleanly at the next re-check instead of failing with a 503', async () => {
    const handler = world.handler();
    // Stripe answers a list filtered by a missing customer with 400 resource_missing; so does the stand-in.
    await expect(world.stripe.subscriptions.list({ customer: 'cus_from_test_mode' })).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer' });
    const cookie = await sessionFor('cus_from_test_mode', { tiers: ['supporter'], offers: [] }, NOW - 2 * 3600_000, { nowMs: world.standIn.clock.now() });
    const response = await handler.handle(request('/posts/winter-tour/', { cookie }));
    expect(response.status).toBe(200);
    expect(await response.text()).not.toContain(SECRET_TEXT.members);
    expect(response.headers.getSetCookie().some((c) => c.startsWith('__Host-truefans=;'))).toBe(true);
  });
});
