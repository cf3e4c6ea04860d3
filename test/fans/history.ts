// A known history of a small membership in the stand-in, made the way fans make it (hosted checkout with
// the metadata the checkout route records, the billing portal's cancellation details, the test clock's
// renewals and retries), from 2026-03-01 12:00 to 2026-06-10 12:00 UTC. dashboard.test.ts pins every
// figure it should give.

import Stripe from 'stripe';
import { expect } from 'vitest';
import type { StandIn } from '../../tools/stripe-local/index.ts';
import { DAY, pay } from '../tools/stripe-local/helpers.ts';

export const SITE = {
  title: 'Maren Holt',
  currency: 'usd',
  language: 'en',
  fan_goal: 1000,
  fan_goal_each: 70,
  tiers: [
    { id: 'listener', name: 'Listener' },
    { id: 'true-fan', name: 'True Fan' },
  ],
} as const;

/** A name a fan may type: markup, a formula, a comma and quotes. */
export const HOSTILE_NAME = `=HYPERLINK("x"),<img src=x onerror=alert(1)> "Eve"`;
export const HOSTILE_COMMENT = '</td><script>alert("left")</script> too much, sorry';

async function tierPrices(stripe: Stripe, id: string, name: string, monthly: number, yearly: number) {
  const product = await stripe.products.create({ name, metadata: { truefans_tier: id } });
  const month = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: monthly, recurring: { interval: 'month' }, lookup_key: `truefans:tier:${id}:month` });
  const year = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: yearly, recurring: { interval: 'year' }, lookup_key: `truefans:tier:${id}:year` });
  return { month, year };
}

export async function buildHistory(standIn: StandIn, stripe: Stripe) {
  const listener = await tierPrices(stripe, 'listener', 'Listener', 500, 5000);
  const trueFan = await tierPrices(stripe, 'true-fan', 'True Fan', 700, 7000);
  const songbookProduct = await stripe.products.create({ name: 'The Barn Songbook', metadata: { truefans_offer: 'songbook' } });
  const songbook = await stripe.prices.create({ product: songbookProduct.id, currency: 'usd', unit_amount: 1200, lookup_key: 'truefans:offer:songbook' });

  const join = async (price: Stripe.Price, tier: string, from: string, fan: { email: string; name: string; card?: string }, trialDays?: number) => {
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://maren.example/_truefans/checkout/complete?session_id={CHECKOUT_SESSION_ID}',
      metadata: { truefans_kind: 'tier', truefans_tier: tier, truefans_return: from },
      subscription_data: { metadata: { truefans_tier: tier }, ...(trialDays ? { trial_period_days: trialDays } : {}) },
    });
    expect((await pay(session, { email: fan.email, name: fan.name, ...(fan.card ? { card: fan.card } : {}) })).status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    return stripe.subscriptions.retrieve(String(done.subscription));
  };
  const buy = async (kind: 'offer' | 'gift', from: string, fan: { email: string; name: string }) => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer_creation: 'always',
      line_items: [kind === 'offer' ? { price: songbook.id, quantity: 1 } : { quantity: 1, price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'Support for Maren Holt' } } }],
      success_url: 'https://maren.example/_truefans/checkout/complete?session_id={CHECKOUT_SESSION_ID}',
      metadata: { truefans_kind: kind, truefans_return: from, ...(kind === 'offer' ? { truefans_offer: 'songbook' } : {}) },
      payment_intent_data: { metadata: { truefans_kind: kind } },
    });
    expect((await pay(session, fan)).status).toBe(303);
    return stripe.checkout.sessions.retrieve(session.id);
  };

  // 2026-03-01: four joins (two with the True Fan's 7-day trial), a songbook and a tip.
  const alice = await join(listener.month, 'listener', '/posts/barn-one/', { email: 'alice@fans.example', name: 'Alice Ames' });
  const bob = await join(trueFan.year, 'true-fan', '/posts/barn-one/', { email: 'bob@fans.example', name: 'Bob Brand' });
  await join(trueFan.month, 'true-fan', '/membership/', { email: 'carol@fans.example', name: 'Carol Cruz' }, 7);
  const dan = await join(trueFan.month, 'true-fan', '/membership/', { email: 'dan@fans.example', name: 'Dan Dove' }, 7);
  const songbookSale = await buy('offer', '/posts/barn-two/', { email: 'eve@fans.example', name: 'Eve Ek' });
  await buy('gift', '/posts/barn-two/', { email: 'fay@fans.example', name: HOSTILE_NAME });
  // A follower (issue 13's marks) and a name for the supporter wall.
  await stripe.customers.create({ email: 'follower@fans.example', name: 'Finn Follower', metadata: { truefans_follower: 'yes', truefans_followed_at: String(Date.UTC(2026, 2, 2) / 1000) } });
  await stripe.customers.update(String(alice.customer), { metadata: { truefans_wall_name: 'Alice, from Ames' } });

  // 03-04: Dan cancels in his trial, in the portal, with a reason and a comment; he leaves at its end (03-08).
  await standIn.clock.advance(3 * DAY);
  await stripe.subscriptions.update(dan.id, { cancel_at_period_end: true, cancellation_details: { feedback: 'too_expensive', comment: HOSTILE_COMMENT } });
  // 03-16: Alice upgrades to True Fan (billed from her next renewal, 04-01).
  await standIn.clock.advance(12 * DAY);
  await stripe.subscriptions.update(alice.id, { items: [{ id: alice.items.data[0]!.id, price: trueFan.month.id }] });
  // 04-10: the songbook is refunded.
  await standIn.clock.set(Date.UTC(2026, 3, 10, 12));
  await stripe.refunds.create({ payment_intent: String(songbookSale.payment_intent) });
  // 04-20: Bob cancels at once: "not using it".
  await standIn.clock.set(Date.UTC(2026, 3, 20, 12));
  await stripe.subscriptions.cancel(bob.id, { cancellation_details: { feedback: 'unused' } });
  // 05-05: Gus joins the Listener tier with a card that fails every later charge: 06-05's renewal fails.
  await standIn.clock.set(Date.UTC(2026, 4, 5, 12));
  await join(listener.month, 'listener', '/posts/barn-three/', { email: 'gus@fans.example', name: 'Gus Gray', card: '4000 0000 0000 0341' });
  await standIn.clock.set(Date.UTC(2026, 5, 10, 12));
}
