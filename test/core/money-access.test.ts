// Access follows the money: a refunded or disputed one-time purchase stops opening its post and file,
// `unpaid` ends access whatever TRUEFANS_PAST_DUE says, and a change mark never moves backwards. Against
// the local stand-in through the real `stripe` package, with its webhooks delivered to the handler.

import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markChanged } from '../../src/core/routes/webhook-events.ts';
import { statusGrants } from '../../src/core/stripe/entitlements.ts';
import { changedKey } from '../../src/core/fan.ts';
import { cookieHeader, cookiesFrom, form, request, type TestHandler } from './helpers/handler.ts';
import { payOnHostedPage, startWorld, type World } from './helpers/stand-in.ts';
import { buildFixture, SECRET_TEXT, type Fixture } from './helpers/site.ts';

let fixture: Fixture;
let world: World;
beforeAll(async () => {
  fixture = await buildFixture();
  world = await startWorld(fixture);
});
afterAll(async () => {
  await world.close();
  fixture.cleanup();
});

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
