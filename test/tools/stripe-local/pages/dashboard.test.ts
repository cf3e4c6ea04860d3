// The home page: the clock and its buttons, the customers, recent events; only its own forms may act.
import { describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import type { StandIn } from '../../../../tools/stripe-local/index.ts';
import { DAY, T0, makeTier, pay, freshForEachTest, portalConfiguration } from '../helpers.ts';

let standIn: StandIn;
let stripe: Stripe;

freshForEachTest((world) => ({ standIn, stripe } = world));

describe('home page', () => {
  it('shows the clock, the fans and recent events, and moves the clock forward', async () => {
    const tier = await makeTier(stripe);
    const { month } = tier;
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    await pay(session, { email: 'demo@example.com' });
    const home = await (await fetch(`${standIn.url}/`)).text();
    expect(home).toContain('2026-03-01 12:00:00 UTC');
    expect(home).toContain('demo@example.com');
    expect(home).toContain('$7.00/month');
    expect(home).toContain('checkout.session.completed');

    const moved = await fetch(`${standIn.url}/clock`, { method: 'POST', body: new URLSearchParams({ seconds: String(31 * DAY) }), redirect: 'manual', headers: { origin: standIn.url } });
    expect(moved.status).toBe(303);
    expect(standIn.clock.now()).toBe(T0 + 31 * DAY * 1000);
    expect((await stripe.invoices.list()).data).toHaveLength(2);

    const foreign = await fetch(`${standIn.url}/clock`, { method: 'POST', body: new URLSearchParams({ seconds: '60' }), headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(standIn.clock.now()).toBe(T0 + 31 * DAY * 1000);

    const customer = (await stripe.customers.list({ email: 'demo@example.com' })).data[0]!;
    // Like Stripe, no portal until a configuration exists (stripe:sync makes one).
    const refused = await fetch(`${standIn.url}/portal`, { method: 'POST', body: new URLSearchParams({ customer: customer.id }), redirect: 'manual' });
    expect(refused.status).toBe(409);
    await portalConfiguration(stripe, [tier]);
    const portal = await fetch(`${standIn.url}/portal`, { method: 'POST', body: new URLSearchParams({ customer: customer.id }), redirect: 'manual' });
    expect(portal.status).toBe(303);
    const portalPage = await (await fetch(new URL(portal.headers.get('location')!, standIn.url))).text();
    expect(portalPage).toContain('Manage your membership');
  });
});
