// The Billing contract against the Stripe billing over the local stand-in, arranged through the stand-in's
// own API and hosted checkout the way a creator's Stripe account gets its state.

import Stripe from 'stripe';
import { createStripeBilling } from '../../../src/billing/stripe/index.ts';
import { parseEnv } from '../../../src/core/env.ts';
import { startStripeStandIn } from '../../../tools/stripe-local/index.ts';
import { client, KEY, makeTier, pay, portalConfiguration } from '../../tools/stripe-local/helpers.ts';
import { SECRET } from '../../core/helpers/site.ts';
import { billingContract, OFFER, ORIGIN, TIER, WEBHOOK_SECRET } from '../contract.ts';

const NOW = Date.UTC(2026, 10, 22, 12);
const DAY = 86_400;

billingContract('Stripe over the stand-in', {
  async start() {
    const standIn = await startStripeStandIn({ port: 0, now: NOW });
    const stripe = client(standIn);
    const tier = await makeTier(stripe, TIER, 500, 5000);
    const billing = createStripeBilling(parseEnv({ TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: KEY, STRIPE_API_BASE: standIn.url }), fetch);
    const urls = { success_url: `${ORIGIN}/done?session_id={CHECKOUT_SESSION_ID}`, cancel_url: `${ORIGIN}/` };
    const join = async (email: string, card?: string) => {
      const session = await stripe.checkout.sessions.create({
        ...urls,
        mode: 'subscription',
        line_items: [{ price: tier.month.id, quantity: 1 }],
        metadata: { truefans_kind: 'tier', truefans_tier: TIER },
        subscription_data: { metadata: { truefans_tier: TIER } },
      });
      const paid = await pay(session, { email, ...(card ? { card } : {}) });
      if (paid.status !== 303 && paid.status !== 302) throw new Error(`the hosted checkout answered ${paid.status}`);
      const done = await stripe.checkout.sessions.retrieve(session.id);
      return { customer: done.customer as string, checkout: session.id, subscription: done.subscription as string };
    };
    return {
      billing,
      close: () => standIn.close(),
      arrange: {
        join: (email) => join(email),
        async buy(email) {
          const session = await stripe.checkout.sessions.create({
            ...urls,
            mode: 'payment',
            customer_creation: 'always',
            line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 1200, product_data: { name: 'Field recordings' } } }],
            metadata: { truefans_kind: 'offer', truefans_offer: OFFER },
          });
          await pay(session, { email });
          return { customer: (await stripe.checkout.sessions.retrieve(session.id)).customer as string, checkout: session.id };
        },
        async cancel(subscription) {
          await stripe.subscriptions.cancel(subscription);
        },
        async expireIncomplete() {
          // No payment method: the first invoice cannot be paid, so the subscription starts incomplete and
          // Stripe expires it 23 hours later.
          const customer = await stripe.customers.create({ email: 'unpaid@example.com' });
          await stripe.subscriptions.create({ customer: customer.id, items: [{ price: tier.month.id }] });
          await standIn.clock.advance(DAY);
          return { customer: customer.id };
        },
        async pastDue(email) {
          // This test card pays once, then declines: the renewal a month later fails.
          const joined = await join(email, '4000 0000 0000 0341');
          await standIn.clock.advance(32 * DAY);
          return joined;
        },
        async archivedPrice(key) {
          const price = await stripe.prices.create({ product: tier.product.id, currency: 'usd', unit_amount: 100, lookup_key: key });
          await stripe.prices.update(price.id, { active: false });
        },
        async portalConfiguration(origin) {
          const made = await portalConfiguration(stripe, [tier]);
          await stripe.billingPortal.configurations.update(made.id, { metadata: { truefans_portal: origin } });
          return made.id;
        },
        async signedEvent(nowMs) {
          const { checkout } = await join('evented@example.com');
          const session = await stripe.checkout.sessions.retrieve(checkout);
          const created = Math.floor(nowMs / 1000);
          const payload = JSON.stringify({ id: 'evt_contract', object: 'event', type: 'checkout.session.completed', created, data: { object: session } });
          return { body: payload, signature: stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp: created }) };
        },
        now: () => standIn.clock.now(),
        async wait(seconds) {
          await standIn.clock.advance(seconds);
        },
      },
    };
  },
});

export type { Stripe };
