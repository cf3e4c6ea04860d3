// The billing portal: a configuration (required, as on Stripe), a session from the API, then the hosted
// page: switch tier (only to listed prices), cancel at period end with a reason and undo it, cancel now,
// return to the site.
import { describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import type { StandIn } from '../../../tools/stripe-local/index.ts';
import { DAY, makeTier, pay, postForm, freshForEachTest, portalConfiguration } from './helpers.ts';

let standIn: StandIn;
let stripe: Stripe;

freshForEachTest((world) => {
  ({ standIn, stripe } = world);
  tiers = [];
});

/** Every tier made in this test, listed in the portal configuration the next fan's session uses. */
let tiers: Awaited<ReturnType<typeof makeTier>>[] = [];
async function tier(id?: string, monthly?: number, yearly?: number) {
  const made = await makeTier(stripe, id, monthly, yearly);
  tiers.push(made);
  return made;
}

async function fanWith(price: Stripe.Price, email = 'fan@example.com') {
  const configuration = await portalConfiguration(stripe, tiers);
  const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: price.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
  await pay(session, { email });
  const done = await stripe.checkout.sessions.retrieve(session.id);
  const portal = await stripe.billingPortal.sessions.create({ customer: String(done.customer), return_url: 'https://fan.example/account', configuration: configuration.id });
  return { subscriptionId: String(done.subscription), customer: String(done.customer), portal };
}

describe('billing portal', () => {
  it('shows the plan, the other tiers and a way back', async () => {
    const supporter = await tier('supporter', 700, 7000);
    await tier('patron', 2000, 20000);
    const other = await stripe.products.create({ name: 'Not switchable' });
    await stripe.prices.create({ product: other.id, currency: 'usd', unit_amount: 100, recurring: { interval: 'month' }, lookup_key: 'other:plan' });
    const { portal, customer } = await fanWith(supporter.month);
    expect(portal.url).toBe(`${standIn.url}/p/session/${portal.id}`);
    expect(portal.customer).toBe(customer);
    const text = await (await fetch(portal.url)).text();
    expect(text).toContain('Manage your membership');
    expect(text).toContain('Supporter');
    expect(text).toContain('$7.00');
    expect(text).toContain('Renews on April 1, 2026');
    expect(text).toContain('Supporter: $70.00/year');
    expect(text).toContain('Tier patron: $20.00/month');
    expect(text).toContain('Tier patron: $200.00/year');
    expect(text).not.toContain('Not switchable');
    expect(text).toContain('href="https://fan.example/account"');
    expect(text).toContain('Return to site');
    expect(text).toContain('VISA ending in 4242');
  });

  it('switches tier: same interval keeps the period, the item now has the new price', async () => {
    const supporter = await tier('supporter', 700, 7000);
    const patron = await tier('patron', 2000, 20000);
    const { portal, subscriptionId } = await fanWith(supporter.month);
    const before = await stripe.subscriptions.retrieve(subscriptionId);
    const response = await postForm(`${portal.url}/switch`, { subscription: subscriptionId, price: patron.month.id });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/p/session/${portal.id}?done=switched`);
    const after = await stripe.subscriptions.retrieve(subscriptionId);
    expect(after.items.data[0]!.price.id).toBe(patron.month.id);
    expect(after.items.data[0]!.id).toBe(before.items.data[0]!.id);
    expect(after.items.data[0]!.current_period_end).toBe(before.items.data[0]!.current_period_end);
    expect(await (await fetch(`${portal.url}?done=switched`)).text()).toContain('Your plan has been changed.');
    const events = await stripe.events.list({ type: 'customer.subscription.updated', limit: 1 });
    const previous = (events.data[0] as Stripe.CustomerSubscriptionUpdatedEvent).data.previous_attributes;
    expect(previous?.items?.data[0]?.price.id).toBe(supporter.month.id);
  });

  it('switching interval starts a new period and invoices it', async () => {
    const supporter = await tier('supporter', 700, 7000);
    const { portal, subscriptionId } = await fanWith(supporter.month);
    await standIn.clock.advance(10 * DAY);
    await postForm(`${portal.url}/switch`, { subscription: subscriptionId, price: supporter.year.id });
    const after = await stripe.subscriptions.retrieve(subscriptionId, { expand: ['latest_invoice'] });
    const invoice = after.latest_invoice as Stripe.Invoice;
    expect(invoice.billing_reason).toBe('subscription_update');
    expect(invoice.amount_paid).toBe(7000);
    expect(after.items.data[0]!.current_period_end).toBe(Date.UTC(2027, 2, 11, 12) / 1000);
  });

  it('refuses a price outside the portal configuration and another customer\'s subscription', async () => {
    const supporter = await tier();
    const hidden = await stripe.prices.create({ product: supporter.product.id, currency: 'usd', unit_amount: 1, recurring: { interval: 'month' } });
    const first = await fanWith(supporter.month);
    const second = await fanWith(supporter.month, 'other@example.com');
    await postForm(`${first.portal.url}/switch`, { subscription: first.subscriptionId, price: hidden.id });
    expect((await stripe.subscriptions.retrieve(first.subscriptionId)).items.data[0]!.price.id).toBe(supporter.month.id);
    await postForm(`${first.portal.url}/cancel`, { subscription: second.subscriptionId, when: 'now' });
    expect((await stripe.subscriptions.retrieve(second.subscriptionId)).status).toBe('active');
  });

  it('cancels at period end, undoes it, then cancels now', async () => {
    const supporter = await tier();
    const { portal, subscriptionId } = await fanWith(supporter.year);
    await postForm(`${portal.url}/cancel`, { subscription: subscriptionId, when: 'period_end' });
    let subscription = await stripe.subscriptions.retrieve(subscriptionId);
    expect(subscription.cancel_at_period_end).toBe(true);
    expect(subscription.status).toBe('active');
    expect(await (await fetch(portal.url)).text()).toContain('Your membership ends on March 1, 2027.');

    await postForm(`${portal.url}/renew`, { subscription: subscriptionId });
    subscription = await stripe.subscriptions.retrieve(subscriptionId);
    expect(subscription.cancel_at_period_end).toBe(false);
    expect(subscription.cancel_at).toBeNull();

    const response = await postForm(`${portal.url}/cancel`, { subscription: subscriptionId, when: 'now' });
    expect(response.headers.get('location')).toBe(`/p/session/${portal.id}?done=canceled`);
    subscription = await stripe.subscriptions.retrieve(subscriptionId);
    expect(subscription.status).toBe('canceled');
    const text = await (await fetch(`${portal.url}?done=canceled`)).text();
    expect(text).toContain('Your membership has been canceled.');
    expect(text).toContain('No active membership');
    const deleted = await stripe.events.list({ type: 'customer.subscription.deleted' });
    expect(deleted.data).toHaveLength(1);
  });

  it('answers 404 for an unknown portal session', async () => {
    const response = await fetch(`${standIn.url}/p/session/bps_nope`);
    expect(response.status).toBe(404);
  });
});

describe('portal configuration', () => {
  it("refuses a session without a configuration, with Stripe's words, and a configuration that does not exist", async () => {
    const supporter = await tier();
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: supporter.month.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    await pay(session);
    const customer = String((await stripe.checkout.sessions.retrieve(session.id)).customer);
    const error = await stripe.billingPortal.sessions.create({ customer }).catch((e: Stripe.errors.StripeError) => e);
    expect(error).toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      message: 'You can’t create a portal session in test mode until you save your customer portal settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal.',
    });
    const missing = await stripe.billingPortal.sessions.create({ customer, configuration: 'bpc_nope' }).catch((e: Stripe.errors.StripeError) => e);
    expect(missing).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'configuration' });
    const configuration = await portalConfiguration(stripe, tiers);
    await stripe.billingPortal.configurations.update(configuration.id, { active: false });
    const inactive = await stripe.billingPortal.sessions.create({ customer, configuration: configuration.id }).catch((e: Stripe.errors.StripeError) => e);
    expect(inactive).toMatchObject({ statusCode: 400, param: 'configuration' });
  });

  it('refuses more than 10 products, prices of another product, and one-time prices', async () => {
    const products = await Promise.all(Array.from({ length: 11 }, (_, i) => tier(`t${i}`)));
    const all = products.map((t) => ({ product: t.product.id, prices: [t.month.id] }));
    const features = (list: { product: string; prices: string[] }[]) => ({ subscription_update: { enabled: true, default_allowed_updates: ['price' as const], products: list } });
    await expect(stripe.billingPortal.configurations.create({ features: features(all) })).rejects.toMatchObject({ statusCode: 400, param: 'features[subscription_update][products]' });
    await expect(stripe.billingPortal.configurations.create({ features: features([{ product: products[0]!.product.id, prices: [products[1]!.month.id] }]) })).rejects.toMatchObject({ statusCode: 400 });
    const once = await stripe.prices.create({ product: products[0]!.product.id, currency: 'usd', unit_amount: 500 });
    await expect(stripe.billingPortal.configurations.create({ features: features([{ product: products[0]!.product.id, prices: [once.id] }]) })).rejects.toMatchObject({ statusCode: 400 });
    const ten = await stripe.billingPortal.configurations.create({ features: features(all.slice(0, 10)) });
    expect(ten.features.subscription_update.products).toHaveLength(10);
    expect(ten.is_default).toBe(false);
  });

  it('offers and allows only the prices the configuration lists, and hides what it turns off', async () => {
    const supporter = await tier('supporter', 700, 7000);
    const patron = await makeTier(stripe, 'patron', 2000, 20000); // not listed
    const { portal, subscriptionId } = await fanWith(supporter.month);
    const text = await (await fetch(portal.url)).text();
    expect(text).toContain('Supporter: $70.00/year');
    expect(text).not.toContain('Tier patron');
    await postForm(`${portal.url}/switch`, { subscription: subscriptionId, price: patron.month.id });
    expect((await stripe.subscriptions.retrieve(subscriptionId)).items.data[0]!.price.id).toBe(supporter.month.id);

    const bare = await stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: false } } });
    const plain = await stripe.billingPortal.sessions.create({ customer: (await stripe.subscriptions.retrieve(subscriptionId)).customer as string, configuration: bare.id });
    const plainText = await (await fetch(plain.url)).text();
    expect(plainText).not.toContain('Cancel now');
    expect(plainText).not.toContain('Change plan');
    expect(plainText).not.toContain('Invoice history');
    await postForm(`${plain.url}/cancel`, { subscription: subscriptionId, when: 'now' });
    expect((await stripe.subscriptions.retrieve(subscriptionId)).status).toBe('active');
  });

  it("records the fan's cancellation reason as Stripe does", async () => {
    const supporter = await tier();
    const { portal, subscriptionId } = await fanWith(supporter.month);
    expect(await (await fetch(portal.url)).text()).toMatch(/<option value="too_expensive">It(&#39;|&#x27;|')s too expensive<\/option>/);
    await postForm(`${portal.url}/cancel`, { subscription: subscriptionId, when: 'period_end', reason: 'too_expensive' });
    const subscription = await stripe.subscriptions.retrieve(subscriptionId);
    expect(subscription.cancellation_details).toMatchObject({ feedback: 'too_expensive', reason: 'cancellation_requested' });
  });
});
