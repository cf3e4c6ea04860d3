// Paying fans from Ghost or Substack on the same Stripe account: a subscription to a product that a tier's
// `also` names counts as that tier. Through the real stripe package and the stand-in: the fan signs in by
// email and reads at once, with no new payment; a subscription nobody mapped opens nothing.

import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeader, cookiesFrom, form, request } from './helpers/handler.ts';
import { startWorld, type World } from './helpers/stand-in.ts';
import { buildFixture, expectNoSecrets, SECRET_TEXT, type Fixture } from './helpers/site.ts';

let fixture: Fixture;
let world: World;

beforeAll(async () => {
  fixture = await buildFixture({ also: { patron: ['prod_GhostGold'] }, showFans: true });
  world = await startWorld(fixture);
  world.handler(); // the stand-in delivers webhooks to the latest handler made
});
afterAll(async () => {
  await world?.close();
  fixture?.cleanup();
});

/** A subscriber Ghost made: its own product and price (no truefans marks), a card, an active subscription. */
async function ghostSubscriber(email: string, product: string): Promise<Stripe.Subscription> {
  const existing = await world.stripe.products.list({ limit: 100 });
  if (!existing.data.some((p) => p.id === product)) await world.stripe.products.create({ id: product, name: `${product} (Ghost)` });
  const price = await world.stripe.prices.create({ product, currency: 'usd', unit_amount: 900, recurring: { interval: 'month' } });
  const customer = await world.stripe.customers.create({ email, name: 'Ghost Fan' });
  const pm = await world.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
  return world.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_payment_method: pm.id, payment_behavior: 'error_if_incomplete' });
}

async function signInByLink(email: string): Promise<Map<string, string>> {
  const mail = await askForLink(email);
  expect(mail, `a sign-in link mailed to ${email}`).toBeDefined();
  const { handle } = world.handler();
  const token = new URL(/https:\/\/mira\.example\/_truefans\/signin\/confirm\?token=\S+/.exec(mail!.text)![0]).searchParams.get('token')!;
  const confirmed = await handle(form('/_truefans/signin/confirm', { token }));
  expect(confirmed.status).toBe(303);
  return cookiesFrom(confirmed);
}

/** Asks for a sign-in link as `email`; returns the mail it got, if any (only fans and followers get one). */
async function askForLink(email: string) {
  const { handle } = world.handler();
  const before = world.outbox.length;
  await handle(form('/_truefans/signin', { email, return_to: '/' }));
  return world.outbox.slice(before).find((m) => m.kind === 'sign-in' && m.to === email);
}

const read = async (path: string, jar: Map<string, string>) => (await world.handler().handle(request(path, { cookie: cookieHeader(jar) }))).text();

describe('a tier that also counts a Ghost product', () => {
  it('lets that product\'s paying subscriber sign in and read at the mapped tier, with no new payment', async () => {
    const sub = await ghostSubscriber('gold.reader@example.com', 'prod_GhostGold');
    const jar = await signInByLink('gold.reader@example.com');
    expect(await read('/posts/patrons-only/', jar)).toContain(SECRET_TEXT.patron);
    // A higher tier opens everything below it, as for any patron.
    expect(await read('/posts/winter-tour/', jar)).toContain(SECRET_TEXT.members);
    const account = await read('/_truefans/account', jar);
    expect(account).toContain('Patron');
    // Billing continues untouched: still the one Ghost subscription, on its own price.
    const subs = await world.stripe.subscriptions.list({ customer: String(sub.customer) });
    expect(subs.data.map((s) => [s.id, s.items.data[0]!.price.id])).toEqual([[sub.id, sub.items.data[0]!.price.id]]);
  });

  it('opens nothing for a subscription to a product no tier names: not a member here, so no sign-in link', async () => {
    await ghostSubscriber('other.reader@example.com', 'prod_GhostOther');
    expect(await askForLink('other.reader@example.com')).toBeUndefined();
    expectNoSecrets(await read('/posts/winter-tour/', new Map()));
  });

  it('counts the mapped subscriber on the fan meter, and not the other', async () => {
    const svg = await (await world.handler().handle(request('/_truefans/fans.svg'))).text();
    expect(svg).toContain('<title>1 of 100 true fans</title>');
  });
});
