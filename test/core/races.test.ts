// Check-then-act races: a single-use sign-in link confirmed by 16 browsers at once signs in exactly one;
// a signed webhook event delivered 17 times at once is handled once. Claim first, then act; a failed
// attempt gives its claim back.

import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/context.ts';
import { claim, createLocalClaims, keep, release } from '../../src/core/claims.ts';
import type { KeyValueStore } from '../../src/core/ports.ts';
import { cookiesFrom, form, request, testStore } from './helpers/handler.ts';
import { payOnHostedPage, useWorld, WEBHOOK_SECRET, type World } from './helpers/stand-in.ts';

let world: World;
let customer: string;
let subscription: string;
const EMAIL = 'racer@example.com';
// Stripe's own example objects (test/fixtures/stripe/).
const fixtures = Object.fromEntries(['subscription', 'checkout.session'].map((name) => [name, JSON.parse(readFileSync(new URL(`../fixtures/stripe/${name}.json`, import.meta.url), 'utf8'))])) as Record<string, any>;
const subtle = Stripe.createSubtleCryptoProvider();

useWorld((built) => ({ world } = built));
beforeAll(async () => {
  const { handle } = world.handler();
  const start = await handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month' }));
  const paid = await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', EMAIL);
  const back = new URL(paid.headers.get('location')!);
  const session = await world.stripe.checkout.sessions.retrieve(back.searchParams.get('session_id')!);
  customer = session.customer as string;
  subscription = session.subscription as string;
  await world.standIn.webhooks.flush();
});
/** KV's shape: a read, then a write, with the network in between. Not atomic. */
function eventuallyConsistent(store: KeyValueStore): KeyValueStore {
  return {
    ...store,
    atomic: false,
    async putIfAbsent(key, value, options) {
      if ((await store.get(key)) !== null) return false;
      await new Promise((r) => setTimeout(r, 5));
      await store.put(key, value, options);
      return true;
    },
  };
}

async function freshLinkToken(): Promise<string> {
  const { handle } = world.handler();
  await handle(form('/_truefans/signin', { email: EMAIL }));
  const mail = world.outbox.filter((m) => m.kind === 'sign-in' && m.to === EMAIL).pop()!;
  return new URL(/https:\/\/\S+/.exec(mail.text)![0]).searchParams.get('token')!;
}

async function confirmAtOnce(handle: (r: Request) => Promise<Response>, token: string, n = 16) {
  const answers = await Promise.all(Array.from({ length: n }, () => handle(form('/_truefans/signin/confirm', { token }))));
  return answers.filter((a) => a.status === 303 && cookiesFrom(a).get('__Host-truefans')).length;
}

describe('a sign-in link confirmed by 16 browsers at once', () => {
  it('signs in exactly one, with a store', async () => {
    const token = await freshLinkToken();
    const { handle } = world.handler({ store: true });
    expect(await confirmAtOnce(handle, token)).toBe(1);
  });

  it('signs in exactly one on one instance without a store, and with a store that is not atomic', async () => {
    expect(await confirmAtOnce(world.handler().handle, await freshLinkToken())).toBe(1);
    // A handler given a KV-like store: the isolate's own claims still serialise it.
    const made = world.handler({ store: eventuallyConsistent });
    const token = await freshLinkToken();
    expect(await confirmAtOnce(made.handle, token)).toBe(1);
  });
});

describe('a signed webhook event delivered 17 times at once', () => {
  const nowS = () => Math.floor(world.standIn.clock.now() / 1000);
  function deleted(id: string) {
    const sub = structuredClone(fixtures.subscription);
    Object.assign(sub, { id: subscription, customer, status: 'canceled' });
    sub.items.data[0].price.lookup_key = 'truefans:tier:supporter:month';
    return JSON.stringify({ id, object: 'event', api_version: '2026-09-30.endive', created: nowS(), livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type: 'customer.subscription.deleted', data: { object: sub } });
  }
  const goodbyes = () => world.outbox.filter((m) => m.kind === 'goodbye' && m.to === EMAIL).length;

  it.each([
    ['with a store', true],
    ['without a store (one instance)', false],
  ])('is handled once %s (one goodbye email)', async (_, store) => {
    const { handle } = world.handler({ store });
    const body = deleted(`evt_race_${store}_${Date.now()}`);
    const signature = await world.stripe.webhooks.generateTestHeaderStringAsync({ payload: body, secret: WEBHOOK_SECRET, timestamp: nowS(), cryptoProvider: subtle });
    const before = goodbyes();
    const answers = await Promise.all(
      Array.from({ length: 17 }, () => handle(request('/_truefans/webhook', { method: 'POST', body, origin: null, headers: { 'content-type': 'application/json', 'stripe-signature': signature } }))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(17).fill(200));
    expect(goodbyes()).toBe(before + 1);
  });
});

describe('claims', () => {
  function app(store?: KeyValueStore) {
    const clock = { now: 1_000_000 };
    return { clock, app: { now: () => clock.now, claims: createLocalClaims(), store } as unknown as App };
  }

  it('one claimant wins; a released claim can be taken again; a kept one cannot', async () => {
    const { app: a } = app(testStore(() => 1_000_000));
    const results = await Promise.all(Array.from({ length: 16 }, () => claim(a, 'k', 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
    await release(a, 'k');
    expect(await claim(a, 'k', 60)).toBe(true);
    await keep(a, 'k', 3600);
    expect(await claim(a, 'k', 60)).toBe(false);
  });

  it('a claim held by another instance (in the shared store) is refused here', async () => {
    const shared = testStore(() => 1_000_000);
    const one = app(shared).app;
    const two = app(shared).app;
    expect(await claim(one, 'k', 60)).toBe(true);
    expect(await claim(two, 'k', 60)).toBe(false);
    await release(one, 'k');
    expect(await claim(two, 'k', 60)).toBe(true);
  });

  it('without a store, a claim lapses after its time', async () => {
    const { app: a, clock } = app();
    expect(await claim(a, 'k', 60)).toBe(true);
    expect(await claim(a, 'k', 60)).toBe(false);
    clock.now += 61_000;
    expect(await claim(a, 'k', 60)).toBe(true);
  });
});
