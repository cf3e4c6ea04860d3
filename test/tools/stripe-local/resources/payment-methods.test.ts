// Saving a card through the API (POST /v1/payment_methods/:id/attach) with Stripe's test PaymentMethods.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { freshForEachTest, makeTier } from '../helpers.ts';

let stripe: Stripe;
freshForEachTest((world) => {
  stripe = world.stripe;
});

describe('payment methods attached through the API', () => {
  it('attaching pm_card_visa makes a new PaymentMethod on the customer, which a subscription can charge', async () => {
    const customer = await stripe.customers.create({ email: 'api.fan@example.com' });
    const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    expect(method.id).toMatch(/^pm_/);
    expect(method.id).not.toBe('pm_card_visa');
    expect(method.customer).toBe(customer.id);
    expect(method.card).toMatchObject({ brand: 'visa', last4: '4242' });
    const again = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    expect(again.id).not.toBe(method.id);
    const { month } = await makeTier(stripe);
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: month.id }], default_payment_method: method.id, payment_behavior: 'error_if_incomplete' });
    expect(subscription.status).toBe('active');
  });

  it('a declining test card fails to attach with a card_error, an unknown one is missing, a customer is required', async () => {
    const customer = await stripe.customers.create({ email: 'api.fan@example.com' });
    await expect(stripe.paymentMethods.attach('pm_card_chargeDeclined', { customer: customer.id })).rejects.toMatchObject({ statusCode: 402, type: 'StripeCardError', code: 'card_declined' });
    await expect(stripe.paymentMethods.attach('pm_card_nonsense', { customer: customer.id })).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    await expect(stripe.paymentMethods.attach('pm_card_visa', { customer: 'cus_missing' })).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer' });
    await expect(stripe.paymentMethods.attach('pm_card_visa', {} as Stripe.PaymentMethodAttachParams)).rejects.toMatchObject({ statusCode: 400, param: 'customer' });
  });

  it('a PaymentMethod on one customer cannot be attached to another', async () => {
    const first = await stripe.customers.create({ email: 'a@example.com' });
    const second = await stripe.customers.create({ email: 'b@example.com' });
    const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: first.id });
    await expect(stripe.paymentMethods.attach(method.id, { customer: second.id })).rejects.toMatchObject({ statusCode: 400 });
    expect((await stripe.paymentMethods.attach(method.id, { customer: first.id })).customer).toBe(first.id);
  });
});

describe('one-time payments through the API', () => {
  it('a PaymentIntent confirmed with a saved card succeeds; Stripe\'s rules on redirects, the card\'s owner and a failing card hold', async () => {
    const customer = await stripe.customers.create({ email: 'buyer@example.com' });
    const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const paid = await stripe.paymentIntents.create({ amount: 1200, currency: 'usd', customer: customer.id, payment_method: method.id, automatic_payment_methods: { enabled: true, allow_redirects: 'never' }, confirm: true, metadata: { truefans_offer: 'songbook' } });
    expect(paid).toMatchObject({ status: 'succeeded', amount: 1200, amount_received: 1200, customer: customer.id, payment_method: method.id, metadata: { truefans_offer: 'songbook' } });
    const held = await stripe.paymentIntents.create({ amount: 1200, currency: 'usd', customer: customer.id, payment_method: method.id });
    expect(held.status).toBe('requires_confirmation');
    // The Dashboard's payment methods may redirect: confirming at once needs a return_url or allow_redirects=never.
    await expect(stripe.paymentIntents.create({ amount: 1200, currency: 'usd', customer: customer.id, payment_method: method.id, confirm: true })).rejects.toMatchObject({ statusCode: 400 });
    const withReturn = await stripe.paymentIntents.create({ amount: 1200, currency: 'usd', customer: customer.id, payment_method: method.id, confirm: true, return_url: 'https://contract.example/back' });
    expect(withReturn.status).toBe('succeeded');
    await expect(stripe.paymentIntents.create({ amount: 1200, currency: 'usd', payment_method: method.id, payment_method_types: ['card'] } as never)).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unknown' });
    const other = await stripe.customers.create({ email: 'other@example.com' });
    await expect(stripe.paymentIntents.create({ amount: 1200, currency: 'usd', customer: other.id, payment_method: method.id, automatic_payment_methods: { enabled: true, allow_redirects: 'never' }, confirm: true })).rejects.toMatchObject({ statusCode: 400, param: 'payment_method' });
    const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
    await expect(stripe.paymentIntents.create({ amount: 1200, currency: 'usd', customer: customer.id, payment_method: failing.id, automatic_payment_methods: { enabled: true, allow_redirects: 'never' }, confirm: true })).rejects.toMatchObject({ statusCode: 402, code: 'card_declined' });
    await expect(stripe.paymentIntents.create({ currency: 'usd' } as never)).rejects.toMatchObject({ statusCode: 400, param: 'amount' });
  });
});
