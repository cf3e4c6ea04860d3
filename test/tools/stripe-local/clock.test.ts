// The test clock: renewals, trial ends, period-end cancels, failed renewals with 4000 0000 0000 0341,
// and the webhooks each sends.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import type { StandIn } from '../../../tools/stripe-local/index.ts';
import { DAY, T0, makeTier, pay, start, webhookReceiver } from './helpers.ts';

let standIn: StandIn;
let stripe: Stripe;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
const SECRET = 'whsec_test_clock';

beforeEach(async () => {
  receiver = await webhookReceiver();
  ({ standIn, stripe } = await start({ webhook: { url: receiver.url, secret: SECRET } }));
});
afterEach(async () => {
  await standIn.close();
  await receiver.close();
});

async function subscribe(price: Stripe.Price, options: { card?: string; trialDays?: number } = {}) {
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: 'https://fan.example/ok',
    ...(options.trialDays ? { subscription_data: { trial_period_days: options.trialDays } } : {}),
  });
  const response = await pay(session, options.card ? { card: options.card } : {});
  expect(response.status).toBe(303);
  const done = await stripe.checkout.sessions.retrieve(session.id);
  return stripe.subscriptions.retrieve(String(done.subscription));
}

function typesSince(count: number): string[] {
  return receiver.received.slice(count).map((delivery) => (JSON.parse(delivery.body) as { type: string }).type);
}

describe('test clock', () => {
  it('renews at the period end: new period, a paid invoice, invoice.paid and subscription.updated', async () => {
    const { month } = await makeTier(stripe);
    const subscription = await subscribe(month);
    const end = subscription.items.data[0]!.current_period_end;
    expect(end).toBe(Date.UTC(2026, 3, 1, 12) / 1000);
    await standIn.webhooks.flush();
    const before = receiver.received.length;

    await standIn.clock.advance(end - T0 / 1000 - 60);
    expect((await stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);

    await standIn.clock.advance(120);
    const renewed = await stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice'] });
    expect(renewed.status).toBe('active');
    expect(renewed.items.data[0]!.current_period_start).toBe(end);
    expect(renewed.items.data[0]!.current_period_end).toBe(Date.UTC(2026, 4, 1, 12) / 1000);
    const invoice = renewed.latest_invoice as Stripe.Invoice;
    expect(invoice.billing_reason).toBe('subscription_cycle');
    expect(invoice.status).toBe('paid');
    expect(invoice.created).toBe(end);
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
    expect(typesSince(before)).toEqual(['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded', 'customer.subscription.updated']);
    const updated = JSON.parse(receiver.received.at(-1)!.body) as Stripe.CustomerSubscriptionUpdatedEvent;
    expect(updated.data.previous_attributes?.items?.data[0]?.current_period_end).toBe(end);
  });

  it('runs several renewals in one long advance, each at its own time', async () => {
    const { month } = await makeTier(stripe);
    const subscription = await subscribe(month);
    await standIn.clock.advance(95 * DAY);
    const invoices = await stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((invoice) => invoice.created)).toEqual([
      Date.UTC(2026, 5, 1, 12) / 1000,
      Date.UTC(2026, 4, 1, 12) / 1000,
      Date.UTC(2026, 3, 1, 12) / 1000,
      T0 / 1000,
    ]);
    expect(standIn.clock.now()).toBe(T0 + 95 * DAY * 1000);
  });

  it('ends a trial: trialing → active with a charged invoice', async () => {
    const { year } = await makeTier(stripe);
    const subscription = await subscribe(year, { trialDays: 7 });
    expect(subscription.status).toBe('trialing');
    await standIn.webhooks.flush();
    const before = receiver.received.length;
    await standIn.clock.advance(7 * DAY);
    const active = await stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice'] });
    expect(active.status).toBe('active');
    expect((active.latest_invoice as Stripe.Invoice).amount_paid).toBe(7000);
    expect(active.items.data[0]!.current_period_end).toBe(Date.UTC(2027, 2, 8, 12) / 1000);
    const updated = receiver.received
      .slice(before)
      .map((delivery) => JSON.parse(delivery.body) as Stripe.Event)
      .find((event) => event.type === 'customer.subscription.updated') as Stripe.CustomerSubscriptionUpdatedEvent;
    expect(updated.data.object.status).toBe('active');
    expect(updated.data.previous_attributes?.status).toBe('trialing');
  });

  it('cancels at the period end: canceled, with customer.subscription.deleted', async () => {
    const { month } = await makeTier(stripe);
    const subscription = await subscribe(month);
    const scheduled = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(scheduled.status).toBe('active');
    expect(scheduled.cancel_at_period_end).toBe(true);
    expect(scheduled.cancel_at).toBe(subscription.items.data[0]!.current_period_end);
    await standIn.clock.advance(31 * DAY);
    const canceled = await stripe.subscriptions.retrieve(subscription.id);
    expect(canceled.status).toBe('canceled');
    expect(canceled.ended_at).toBe(subscription.items.data[0]!.current_period_end);
    expect(canceled.cancellation_details?.reason).toBe('cancellation_requested');
    expect((await stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);
    expect(typesSince(0)).toContain('customer.subscription.deleted');
    expect((await stripe.subscriptions.list({ customer: String(subscription.customer) })).data).toHaveLength(0);
    expect((await stripe.subscriptions.list({ customer: String(subscription.customer), status: 'all' })).data).toHaveLength(1);
  });

  it('fails renewals with 4000 0000 0000 0341: past_due and invoice.payment_failed, then canceled after the retries', async () => {
    const { month } = await makeTier(stripe);
    const subscription = await subscribe(month, { card: '4000 0000 0000 0341' });
    expect(subscription.status).toBe('active');
    await standIn.webhooks.flush();
    const before = receiver.received.length;
    await standIn.clock.advance(31 * DAY);
    const pastDue = await stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice'] });
    expect(pastDue.status).toBe('past_due');
    const invoice = pastDue.latest_invoice as Stripe.Invoice;
    expect(invoice.status).toBe('open');
    expect(invoice.attempt_count).toBe(1);
    expect(invoice.next_payment_attempt).toBe(Date.UTC(2026, 3, 4, 12) / 1000);
    expect(invoice.hosted_invoice_url).toBe(`${standIn.url}/i/${invoice.id}`);
    expect(typesSince(before)).toEqual(['invoice.created', 'invoice.finalized', 'invoice.payment_failed', 'customer.subscription.updated']);

    await standIn.clock.advance(16 * DAY);
    const canceled = await stripe.subscriptions.retrieve(subscription.id);
    expect(canceled.status).toBe('canceled');
    expect(canceled.cancellation_details?.reason).toBe('payment_failed');
    const failures = typesSince(before).filter((type) => type === 'invoice.payment_failed');
    expect(failures).toHaveLength(4);
  });

  it('a past-due fan pays the open invoice with a new card on the hosted invoice page', async () => {
    const { month } = await makeTier(stripe);
    const subscription = await subscribe(month, { card: '4000 0000 0000 0341' });
    await standIn.clock.advance(31 * DAY);
    const pastDue = await stripe.subscriptions.retrieve(subscription.id);
    const page = await fetch(`${standIn.url}/i/${String(pastDue.latest_invoice)}`);
    expect(await page.text()).toContain('Pay $7.00');
    const declined = await fetch(`${standIn.url}/i/${String(pastDue.latest_invoice)}/pay`, {
      method: 'POST',
      body: new URLSearchParams({ card_number: '4000000000000002', card_expiry: '12/34', card_cvc: '123' }),
      redirect: 'manual',
    });
    expect(await declined.text()).toContain('Your card was declined.');
    const paid = await fetch(`${standIn.url}/i/${String(pastDue.latest_invoice)}/pay`, {
      method: 'POST',
      body: new URLSearchParams({ card_number: '4242424242424242', card_expiry: '12/34', card_cvc: '123' }),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    const active = await stripe.subscriptions.retrieve(subscription.id);
    expect(active.status).toBe('active');
    await standIn.clock.advance(31 * DAY);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
  });

  it('refuses to go back in time', async () => {
    await expect(standIn.clock.set(T0 - 1000)).rejects.toThrow(/only moves forward/);
    await standIn.clock.set(T0 + 5000);
    expect(standIn.clock.now()).toBe(T0 + 5000);
  });
});
