// The creator's notes about members: a new member names the tier and the count, a change of tier says
// which way, a goodbye gives the tier, the tenure and the fan's reason; each once per event however often
// Stripe delivers it, each with Reply-To the fan. Against the stand-in through the real `stripe` package,
// its webhooks delivered to the handler, on its test clock.

import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { lookupKey } from '../../src/core/manifest.ts';
import { NOTES_MARK } from '../../src/core/routes/fan-notes.ts';
import { form, request } from './helpers/handler.ts';
import { CREATOR, payOnHostedPage, useWorld, WEBHOOK_SECRET, type World } from './helpers/stand-in.ts';

let world: World;
useWorld((built) => ({ world } = built));

const DAY = 86_400;
const crypto = Stripe.createSubtleCryptoProvider();

/**
 * Delivers a stored Stripe event again, signed as Stripe signs it, to a fresh handler: another isolate,
 * which has not seen the event (the handler's own per-isolate claim would stop a copy reaching the same one).
 */
async function redeliver(event: Stripe.Event): Promise<Response> {
  const handler = world.handler();
  const body = JSON.stringify(event);
  const signature = await world.stripe.webhooks.generateTestHeaderStringAsync({ payload: body, secret: WEBHOOK_SECRET, timestamp: Math.floor(world.standIn.clock.now() / 1000), cryptoProvider: crypto });
  return handler.handle(request('/_truefans/webhook', { method: 'POST', body, origin: null, headers: { 'content-type': 'application/json', 'stripe-signature': signature } }));
}

const notes = (kind: string) => world.outbox.filter((m) => m.kind === kind && m.to === CREATOR);
const lastEvent = async (type: string, subscription: string) =>
  (await world.stripe.events.list({ type, limit: 100 })).data.find((e) => (e.data.object as { id: string }).id === subscription)!;

describe("the creator's notes on a member's join, change of tier and goodbye", () => {
  it('each goes out once per event, names the tier, the count, the tenure and the reason, with Reply-To the fan', async () => {
    const handler = world.handler();
    const email = 'sam@fans.example';
    const start = await handler.handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month', return_to: '/' }));
    expect((await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', email, { name: 'Sam Reyes' })).status).toBe(303);
    await world.standIn.webhooks.flush();

    const joined = notes('new-fan').find((m) => m.subject === 'A new true fan: Sam Reyes')!;
    expect(joined.text).toContain('Sam Reyes just joined Mira Lune: the Supporter membership.');
    expect(joined.text).toMatch(/You now have \d+ of your 100 true fans \(\d+ to go\)\./);
    expect(joined.replyTo).toBe(email);

    const customer = (await world.stripe.customers.list({ email })).data[0]!;
    const sub = (await world.stripe.subscriptions.list({ customer: customer.id })).data[0]!;
    const patron = (await world.stripe.prices.list({ lookup_keys: [lookupKey.tier('patron', 'month')] })).data[0]!;

    // An upgrade (as the portal's update confirmation makes it): one note, whichever way it is delivered.
    await world.stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]!.id, price: patron.id }], proration_behavior: 'always_invoice' });
    await world.standIn.webhooks.flush();
    expect(notes('plan-change').map((m) => m.subject)).toEqual(['Sam Reyes upgraded to Patron']);
    const upgrade = notes('plan-change')[0]!;
    expect(upgrade.text).toContain('Sam Reyes moved from Supporter to Patron on Mira Lune. An upgrade: thank them?');
    expect(upgrade.text).toContain(`Reply to this email to write to Sam Reyes (${email}).`);
    expect(upgrade.replyTo).toBe(email);
    const updated = (await world.stripe.events.list({ type: 'customer.subscription.updated', limit: 100 })).data.find(
      (e) => (e.data.object as Stripe.Subscription).id === sub.id && 'items' in (e.data.previous_attributes ?? {}),
    )!;
    expect((await redeliver(updated)).status).toBe(200);
    expect((await redeliver(updated)).status).toBe(200);
    expect(notes('plan-change')).toHaveLength(1);

    // A change that is not a change of tier (a metadata write, the notes' own mark) tells the creator nothing.
    await world.stripe.subscriptions.update(sub.id, { metadata: { note: 'x' } });
    await world.standIn.webhooks.flush();
    expect(notes('plan-change')).toHaveLength(1);

    // Thirteen months on, Sam cancels in the portal with a reason and a comment; it ends at the period's end.
    await world.standIn.clock.advance(400 * DAY);
    await world.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true, cancellation_details: { feedback: 'too_expensive', comment: 'Money is <b>tight</b> this year' } });
    await world.standIn.clock.advance(40 * DAY);
    await world.stripe.customers.list({ limit: 1 }); // any call lets the stand-in's clock run what is due
    await world.standIn.webhooks.flush();
    const left = notes('fan-left');
    expect(left.map((m) => m.subject)).toEqual(['Sam Reyes left: too expensive']);
    expect(left[0]!.text).toContain('Sam Reyes, a Patron for 14 months, left: too expensive.');
    expect(left[0]!.text).toContain('In their words: “Money is <b>tight</b> this year”');
    expect(left[0]!.html).toContain('Money is &lt;b&gt;tight&lt;/b&gt; this year');
    expect(left[0]!.text).toMatch(/You now have \d+ of your 100 true fans/);
    expect(left[0]!.replyTo).toBe(email);

    const deleted = await lastEvent('customer.subscription.deleted', sub.id);
    expect((await redeliver(deleted)).status).toBe(200);
    expect(notes('fan-left')).toHaveLength(1);
    // The fan's own goodbye still goes to the fan; the marks live on the customer in Stripe.
    expect(world.outbox.filter((m) => m.kind === 'goodbye' && m.to === email).length).toBeGreaterThan(0);
    const marks = (await world.stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    expect(marks.metadata[NOTES_MARK]!.split(' ')).toEqual([`c:${updated.id}`, `l:${sub.id}`]);
  });

  it('Stripe down while the note reads the fan makes Stripe retry; the mark, not the delivery, decides a second note', async () => {
    const handler = world.handler();
    const email = 'retry@fans.example';
    const start = await handler.handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month', return_to: '/' }));
    await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', email, { name: 'Rae Retry' });
    await world.standIn.webhooks.flush();
    const customer = (await world.stripe.customers.list({ email })).data[0]!;
    const sub = (await world.stripe.subscriptions.list({ customer: customer.id })).data[0]!;
    const before = notes('fan-left').length;
    await world.stripe.subscriptions.cancel(sub.id, { cancellation_details: { feedback: 'unused' } });
    const deleted = await lastEvent('customer.subscription.deleted', sub.id);
    await world.standIn.webhooks.flush();
    const told = notes('fan-left').slice(before);
    expect(told.map((m) => m.text.split('\n')[0])).toEqual(['Rae Retry, a Supporter for 1 day, left: not using it enough.']);
    // Stripe down for the read: the event is answered 503 (retry), nothing is sent, nothing lost.
    world.standIn.faults.inject({ status: 500, method: 'GET', path: '/v1/customers/', times: 10 });
    await world.stripe.customers.update(customer.id, { metadata: { [NOTES_MARK]: '' } });
    const failed = await redeliver(deleted);
    expect(failed.status).toBe(503);
    world.standIn.faults.clear();
    expect(notes('fan-left').length).toBe(before + 1);
    expect((await redeliver(deleted)).status).toBe(200);
    expect((await redeliver(deleted)).status).toBe(200);
    expect(notes('fan-left').length).toBe(before + 2);
  });
});
