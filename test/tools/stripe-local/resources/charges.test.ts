// Charges, refunds and disputes on one-time payments: the charge behind a paid checkout, full and
// partial refunds with Stripe's refusals, and disputes from the 0259 test card and the dashboard, each
// with Stripe's events.
import { describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import type { StandIn } from '../../../../tools/stripe-local/index.ts';
import { pay, freshForEachTest } from '../helpers.ts';

let standIn: StandIn;
let stripe: Stripe;

freshForEachTest((world) => ({ standIn, stripe } = world));

async function bought(card = '4242 4242 4242 4242') {
  const price = await stripe.prices.create({ currency: 'usd', unit_amount: 1200, product_data: { name: 'Songbook' } });
  const session = await stripe.checkout.sessions.create({ mode: 'payment', customer_creation: 'always', line_items: [{ price: price.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
  await pay(session, { card });
  const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge'] });
  const intent = done.payment_intent as Stripe.PaymentIntent;
  return { session: done, intent, charge: intent.latest_charge as Stripe.Charge };
}

describe('charges and refunds', () => {
  it('a paid one-time checkout has a charge on its payment intent', async () => {
    const { charge, intent, session } = await bought();
    expect(charge).toMatchObject({ object: 'charge', amount: 1200, amount_refunded: 0, refunded: false, disputed: false, paid: true, payment_intent: intent.id, customer: session.customer });
    expect((await stripe.charges.retrieve(charge.id)).id).toBe(charge.id);
  });

  it('refunds partly, then the rest; then refuses, as Stripe does', async () => {
    const { intent, charge } = await bought();
    const part = await stripe.refunds.create({ payment_intent: intent.id, amount: 200 });
    expect(part).toMatchObject({ object: 'refund', amount: 200, status: 'succeeded', charge: charge.id });
    expect(await stripe.charges.retrieve(charge.id)).toMatchObject({ amount_refunded: 200, refunded: false });
    await expect(stripe.refunds.create({ charge: charge.id, amount: 1001 })).rejects.toMatchObject({ statusCode: 400, code: 'amount_too_large', message: 'Refund amount ($10.01) is greater than unrefunded amount on charge ($10.00)' });
    const rest = await stripe.refunds.create({ charge: charge.id });
    expect(rest.amount).toBe(1000);
    expect(await stripe.charges.retrieve(charge.id)).toMatchObject({ amount_refunded: 1200, refunded: true });
    await expect(stripe.refunds.create({ payment_intent: intent.id })).rejects.toMatchObject({ statusCode: 400, code: 'charge_already_refunded' });
    await expect(stripe.refunds.create({})).rejects.toMatchObject({ statusCode: 400 });
    const events = await stripe.events.list({ type: 'charge.refunded' });
    expect(events.data.map((e) => (e.data.object as Stripe.Charge).amount_refunded)).toEqual([1200, 200]);
  });
});

describe('disputes', () => {
  it('the 0259 card pays, then its charge is disputed, with charge.dispute.created', async () => {
    const { charge, session } = await bought('4000 0000 0000 0259');
    expect(session.payment_status).toBe('paid');
    expect(charge.disputed).toBe(true);
    const events = await stripe.events.list({ type: 'charge.dispute.created' });
    expect(events.data).toHaveLength(1);
    const dispute = events.data[0]!.data.object as Stripe.Dispute;
    expect(dispute).toMatchObject({ object: 'dispute', charge: charge.id, amount: 1200, reason: 'fraudulent', status: 'needs_response' });
    expect((await stripe.disputes.retrieve(dispute.id)).id).toBe(dispute.id);
    await expect(stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({ statusCode: 400, code: 'charge_disputed' });
  });

  it('the dashboard opens a dispute on a charge (its own forms only)', async () => {
    const { charge } = await bought();
    const home = await (await fetch(`${standIn.url}/`)).text();
    expect(home).toContain('$12.00');
    const foreign = await fetch(`${standIn.url}/dispute`, { method: 'POST', body: new URLSearchParams({ charge: charge.id }), headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect((await stripe.charges.retrieve(charge.id)).disputed).toBe(false);
    const opened = await fetch(`${standIn.url}/dispute`, { method: 'POST', body: new URLSearchParams({ charge: charge.id }), redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect((await stripe.charges.retrieve(charge.id)).disputed).toBe(true);
    expect((await stripe.disputes.list({ charge: charge.id })).data).toHaveLength(1);
  });
});
