// Stripe webhooks: verified on the raw body (bad signature, too old, from the future, re-serialised: all
// refused; several v1 signatures: accepted), dispatched through the table, idempotent with a store.

import Stripe from 'stripe';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cookiesFrom, form, request } from '../helpers/handler.ts';
import { payOnHostedPage, useWorld, WEBHOOK_SECRET, type World } from '../helpers/stand-in.ts';
import { expectNoSecrets, SECRET_TEXT } from '../helpers/site.ts';

let world: World;
let customer: string;
let subscription: string;
let memberCookie: string;
const EMAIL = 'hooked@example.com';
// Stripe's own example objects (test/fixtures/stripe/).
const fixtures = Object.fromEntries(['subscription', 'checkout.session'].map((name) => [name, JSON.parse(readFileSync(new URL(`../../fixtures/stripe/${name}.json`, import.meta.url), 'utf8'))])) as Record<string, any>;
const crypto = Stripe.createSubtleCryptoProvider();

useWorld((built) => ({ world } = built));
beforeAll(async () => {
  const { handle } = world.handler();
  const start = await handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month' }));
  const paid = await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', EMAIL);
  const back = new URL(paid.headers.get('location')!);
  const complete = await handle(request(back.pathname + back.search, { cookie: start.headers.getSetCookie()[0]!.split(';')[0]! }));
  memberCookie = `__Host-truefans=${cookiesFrom(complete).get('__Host-truefans')}`;
  const session = await world.stripe.checkout.sessions.retrieve(back.searchParams.get('session_id')!);
  customer = session.customer as string;
  subscription = session.subscription as string;
  await world.standIn.webhooks.flush();
});
const nowS = () => Math.floor(world.standIn.clock.now() / 1000);

function event(type: string, object: Record<string, unknown>, id = `evt_test_${Math.random().toString(36).slice(2)}`) {
  return JSON.stringify({ id, object: 'event', api_version: '2026-09-30.endive', created: nowS(), livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } });
}

function deletedSubscription() {
  const sub = structuredClone(fixtures.subscription);
  Object.assign(sub, { id: subscription, customer, status: 'canceled' });
  sub.items.data[0].price.lookup_key = 'truefans:tier:supporter:month';
  return sub;
}

async function sign(payload: string, options: { timestamp?: number; secret?: string } = {}) {
  return world.stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: options.secret ?? WEBHOOK_SECRET, timestamp: options.timestamp ?? nowS(), cryptoProvider: crypto });
}

function post(body: string, signature: string | undefined) {
  return request('/_truefans/webhook', { method: 'POST', body, origin: null, headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) } });
}

const goodbyes = () => world.outbox.filter((m) => m.kind === 'goodbye' && m.to === EMAIL).length;

describe('webhook signatures', () => {
  it('accepts a correctly signed event and runs its handler', async () => {
    const { handle } = world.handler();
    const before = goodbyes();
    const body = event('customer.subscription.deleted', deletedSubscription());
    const response = await handle(post(body, await sign(body)));
    expect(response.status).toBe(200);
    expect(goodbyes()).toBe(before + 1);
  });

  it('refuses a bad signature, a missing one, and another secret\'s', async () => {
    const { handle } = world.handler();
    const before = goodbyes();
    const body = event('customer.subscription.deleted', deletedSubscription());
    const good = await sign(body);
    const tampered = good.replace(/v1=([0-9a-f])/, (_, c: string) => `v1=${c === '0' ? '1' : '0'}`);
    for (const signature of [tampered, await sign(body, { secret: 'whsec_someone_else_entirely' }), 't=1,v0=abc', undefined]) {
      const response = await handle(post(body, signature));
      expect(response.status).toBe(400);
    }
    expect(goodbyes()).toBe(before);
  });

  it('refuses a timestamp older than 300 s or more than 300 s in the future', async () => {
    const { handle } = world.handler();
    const body = event('customer.subscription.updated', deletedSubscription());
    expect((await handle(post(body, await sign(body, { timestamp: nowS() - 301 })))).status).toBe(400);
    expect((await handle(post(body, await sign(body, { timestamp: nowS() + 301 })))).status).toBe(400);
    expect((await handle(post(body, await sign(body, { timestamp: nowS() - 299 })))).status).toBe(200);
    expect((await handle(post(body, await sign(body, { timestamp: nowS() + 299 })))).status).toBe(200);
  });

  it('refuses a re-serialised body (the signature covers the raw bytes)', async () => {
    const { handle } = world.handler();
    const body = event('customer.subscription.deleted', deletedSubscription());
    const signature = await sign(body);
    for (const reserialised of [JSON.stringify(JSON.parse(body), null, 2), JSON.stringify(JSON.parse(body)) + '\n', body.replace('"object":"event"', '"object": "event"')]) {
      expect(reserialised).not.toBe(body);
      expect((await handle(post(reserialised, signature))).status).toBe(400);
    }
  });

  it('accepts a header with several v1 signatures when one matches (secret rolling)', async () => {
    const { handle } = world.handler();
    const body = event('customer.subscription.updated', deletedSubscription());
    const t = nowS();
    const right = (await sign(body, { timestamp: t })).split(',').find((p) => p.startsWith('v1='))!;
    const wrong = (await sign(body, { timestamp: t, secret: 'whsec_the_old_secret_here' })).split(',').find((p) => p.startsWith('v1='))!;
    expect((await handle(post(body, `t=${t},${wrong},${right}`))).status).toBe(200);
    expect((await handle(post(body, `t=${t},${right},${wrong}`))).status).toBe(200);
  });

  it('answers 200 to events it does not handle', async () => {
    const { handle } = world.handler();
    const body = event('customer.created', { id: 'cus_1', object: 'customer' });
    const response = await handle(post(body, await sign(body)));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('Ignored.');
  });

  it('handles an event id once when a store exists', async () => {
    const { handle } = world.handler({ store: true });
    const before = goodbyes();
    const body = event('customer.subscription.deleted', deletedSubscription(), 'evt_test_once');
    expect((await handle(post(body, await sign(body)))).status).toBe(200);
    expect((await handle(post(body, await sign(body)))).status).toBe(200);
    expect(goodbyes()).toBe(before + 1);
  });

  it('without STRIPE_WEBHOOK_SECRET: 503 and a log line naming it', async () => {
    const { handle, logs } = world.handler({ env: { STRIPE_WEBHOOK_SECRET: '' } });
    const body = event('customer.subscription.deleted', deletedSubscription());
    expect((await handle(post(body, await sign(body)))).status).toBe(503);
    expect(logs[0]).toContain('STRIPE_WEBHOOK_SECRET is not set');
  });
});

describe('webhook handlers', () => {
  it('a failed payment sends the fan a gentle note with a link to their account', async () => {
    const { handle } = world.handler();
    // Stripe's current API names the subscription under `parent.subscription_details` (no metadata
    // snapshot here, so the handler reads the subscription itself).
    const invoice = { id: 'in_test_1', object: 'invoice', customer, customer_email: EMAIL, parent: { type: 'subscription_details', subscription_details: { subscription, metadata: null } } };
    const body = event('invoice.payment_failed', invoice);
    expect((await handle(post(body, await sign(body)))).status).toBe(200);
    const note = world.outbox.filter((m) => m.kind === 'payment-failed').pop();
    expect(note?.to).toBe(EMAIL);
    expect(note?.text).toContain('https://mira.example/_truefans/account');
  });

  it("a failed payment on an invoice that is not this site's (one-off, or another product's subscription) sends nothing", async () => {
    const { handle } = world.handler();
    const before = world.outbox.filter((m) => m.kind === 'payment-failed').length;
    const other = await world.stripe.prices.create({ currency: 'usd', unit_amount: 900, recurring: { interval: 'month' }, product_data: { name: 'Consulting retainer' } });
    const foreign = await world.stripe.subscriptions.create({ customer, items: [{ price: other.id }] }).catch(() => undefined);
    const parents = [null, ...(foreign ? [{ type: 'subscription_details', subscription_details: { subscription: foreign.id, metadata: {} } }] : [])];
    for (const parent of parents) {
      const body = event('invoice.payment_failed', { id: 'in_test_2', object: 'invoice', customer, customer_email: EMAIL, parent });
      expect((await handle(post(body, await sign(body)))).status).toBe(200);
    }
    expect(parents.length).toBe(2);
    expect(world.outbox.filter((m) => m.kind === 'payment-failed').length).toBe(before);
  });

  it('with a store, a cancellation applies on the next page, without waiting for the re-check interval', async () => {
    const { handle } = world.handler({ store: true });
    expect(await (await handle(request('/posts/winter-tour/', { cookie: memberCookie }))).text()).toContain(SECRET_TEXT.members);
    await world.stripe.subscriptions.cancel(subscription);
    await world.standIn.webhooks.flush();
    expect(world.standIn.webhooks.sent.filter((s) => s.type === 'customer.subscription.deleted').pop()?.status).toBe(200);
    const after = await handle(request('/posts/winter-tour/', { cookie: memberCookie }));
    expectNoSecrets(await after.text());
    expect(world.outbox.filter((m) => m.kind === 'goodbye' && m.to === EMAIL).length).toBeGreaterThan(0);
  });
});
