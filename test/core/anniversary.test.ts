// The anniversary thank-you: on a test-clock renewal a whole number of years after joining (each yearly
// renewal, every twelfth monthly one), in the creator's words from site.yaml `anniversary`, once per year
// per subscription however often Stripe delivers the invoice.paid event.

import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form, request } from './helpers/handler.ts';
import { buildFixture, type Fixture } from './helpers/site.ts';
import { payOnHostedPage, startWorld, WEBHOOK_SECRET, type World } from './helpers/stand-in.ts';

const WORDS = 'A year of songs, because of you. Thank you for staying.';
const DAY = 86_400;
let fixture: Fixture;
let world: World;
beforeAll(async () => {
  fixture = await buildFixture({ anniversary: WORDS });
  world = await startWorld(fixture);
});
afterAll(async () => {
  await world?.close();
  fixture?.cleanup();
});

const crypto = Stripe.createSubtleCryptoProvider();
/** Delivers a stored event again, signed as Stripe signs it, to a fresh handler (another isolate). */
async function redeliver(event: Stripe.Event): Promise<Response> {
  const handler = world.handler();
  const body = JSON.stringify(event);
  const signature = await world.stripe.webhooks.generateTestHeaderStringAsync({ payload: body, secret: WEBHOOK_SECRET, timestamp: Math.floor(world.standIn.clock.now() / 1000), cryptoProvider: crypto });
  return handler.handle(request('/_truefans/webhook', { method: 'POST', body, origin: null, headers: { 'content-type': 'application/json', 'stripe-signature': signature } }));
}

async function join(email: string, interval: 'month' | 'year') {
  const handler = world.handler();
  const start = await handler.handle(form('/_truefans/checkout', { tier: 'supporter', interval, return_to: '/' }));
  expect((await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', email)).status).toBe(303);
  await world.standIn.webhooks.flush();
}
/** Moves the test clock (renewals run and their webhooks are delivered) in steps of at most 40 days. */
async function advance(days: number) {
  for (let left = days; left > 0; left -= 40) {
    await world.standIn.clock.advance(Math.min(40, left) * DAY);
    await world.standIn.webhooks.flush();
  }
}
const thanks = (email: string) => world.outbox.filter((m) => m.kind === 'anniversary' && m.to === email);

describe('the anniversary thank-you', () => {
  it('reaches a yearly member at each renewal and a monthly member at the twelfth, once per year', async () => {
    await join('yearly@fans.example', 'year');
    await join('monthly@fans.example', 'month');

    await advance(330); // to 2027-10-18: no anniversary yet
    expect(thanks('monthly@fans.example')).toEqual([]);
    expect(thanks('yearly@fans.example')).toEqual([]);
    // Two first invoices and ten monthly renewals (to 2027-09-22) were paid and delivered, and told nobody anything.
    expect(world.standIn.webhooks.sent.filter((s) => s.type === 'invoice.paid' && s.status === 200).length).toBe(12);

    await advance(40); // the first anniversary of both (2027-11-22)
    for (const email of ['yearly@fans.example', 'monthly@fans.example']) {
      const [mail, ...more] = thanks(email);
      expect(more).toEqual([]);
      expect(mail!.subject).toBe('A year with Mira Lune');
      expect(mail!.text).toContain('It is a year today since you became a member of Mira Lune.');
      expect(mail!.text).toContain(WORDS);
      expect(mail!.text).toContain('— Mira Lune');
    }

    // Stripe delivers the anniversary renewal's invoice.paid again, to another isolate: nothing more.
    const renewal = (await world.stripe.events.list({ type: 'invoice.paid', limit: 100 })).data.find(
      (e) => (e.data.object as Stripe.Invoice).customer_email === 'yearly@fans.example' && (e.data.object as Stripe.Invoice).billing_reason === 'subscription_cycle',
    )!;
    expect((await redeliver(renewal)).status).toBe(200);
    expect((await redeliver(renewal)).status).toBe(200);
    expect(thanks('yearly@fans.example')).toHaveLength(1);

    await advance(365); // the second anniversary: "2 years", once each
    for (const email of ['yearly@fans.example', 'monthly@fans.example']) {
      expect(thanks(email).map((m) => m.subject)).toEqual(['A year with Mira Lune', '2 years with Mira Lune']);
    }
  });
});
