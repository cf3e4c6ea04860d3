// Checkout completion grants access only for a complete, paid, recent session started in this browser.
// Every other case sets no session cookie and shows no members-only text.

import { readFileSync } from 'node:fs';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { judgeSession } from '../../src/core/routes/checkout.ts';
import type { CheckoutRecord } from '../../src/core/billing.ts';
import { checkoutRecord } from '../../src/billing/stripe/entitlements.ts';
import { createKeyring } from '../../src/core/crypto/keys.ts';
import { nonceHash } from '../../src/core/checkout-nonce.ts';
import type { App } from '../../src/core/context.ts';
import { cookieHeader, cookiesFrom, form, NOW, request } from './helpers/handler.ts';
import { payOnHostedPage, startWorld, useWorld, type World } from './helpers/stand-in.ts';
import { buildFixture, expectNoSecrets, SECRET } from './helpers/site.ts';

let world: World;
useWorld((built) => ({ world } = built));

async function startCheckout(fields: Record<string, string> = { tier: 'supporter', interval: 'month', return_to: '/posts/winter-tour/' }) {
  const { handle } = world.handler();
  const start = await handle(form('/_truefans/checkout', fields));
  expect(start.status).toBe(303);
  const url = start.headers.get('location')!;
  return { handle, jar: cookiesFrom(start), url, id: url.split('/').pop()! };
}

async function expectNoSession(response: Response) {
  expect(response.headers.getSetCookie().filter((c) => c.startsWith('__Host-truefans='))).toEqual([]);
  const body = await response.text();
  expectNoSecrets(body);
  return body;
}

describe('completing a checkout', () => {
  it('a forged or unknown session id: no cookie', async () => {
    const { handle } = world.handler();
    for (const id of ['cs_test_doesnotexist', 'not-a-session', '', 'cs_../../v1/customers']) {
      const response = await handle(request(`/_truefans/checkout/complete?session_id=${encodeURIComponent(id)}`, { cookie: '__Host-truefans-checkout=' + 'a'.repeat(43) }));
      expect(response.status).toBe(404);
      expect(await expectNoSession(response)).toContain('We could not find that checkout');
    }
  });

  it('an open (unpaid, unfinished) session: no cookie', async () => {
    const { handle, jar, id } = await startCheckout();
    const response = await handle(request(`/_truefans/checkout/complete?session_id=${id}`, { cookie: cookieHeader(jar) }));
    expect(response.status).toBe(402);
    expect(await expectNoSession(response)).toContain('Your checkout is not finished');
  });

  it('a declined card leaves the session open: no cookie', async () => {
    const { handle, jar, url, id } = await startCheckout();
    const declined = await payOnHostedPage(url, '4000 0000 0000 0002');
    expect(declined.status).not.toBe(303);
    expect(await declined.text()).toContain('Your card was declined.');
    const response = await handle(request(`/_truefans/checkout/complete?session_id=${id}`, { cookie: cookieHeader(jar) }));
    expect(response.status).toBe(402);
    await expectNoSession(response);
  });

  it('a paid session started in another browser: no cookie, and a way to sign in', async () => {
    const { handle, url, id } = await startCheckout();
    await payOnHostedPage(url);
    for (const cookie of [undefined, `__Host-truefans-checkout=${'b'.repeat(43)}`, '__Host-truefans-checkout=short']) {
      const response = await handle(request(`/_truefans/checkout/complete?session_id=${id}`, cookie ? { cookie } : {}));
      expect(response.status).toBe(403);
      const body = await expectNoSession(response);
      expect(body).toContain('Payment received, but this browser did not start it');
      expect(body).toContain('action="/_truefans/signin"');
    }
  });

  it('a paid session that came back too late: no cookie', async () => {
    const { handle, jar, url, id } = await startCheckout();
    await payOnHostedPage(url);
    await world.standIn.clock.advance(25 * 3600);
    const response = await handle(request(`/_truefans/checkout/complete?session_id=${id}`, { cookie: cookieHeader(jar) }));
    expect(response.status).toBe(410);
    await expectNoSession(response);
  });

  it('a reload of the welcome page works without granting anything new', async () => {
    const { handle, jar, url, id } = await startCheckout();
    // A fan new to this world (earlier tests' fans hold memberships under fan@example.com, which the
    // completion would rightly call a possible double payment).
    await payOnHostedPage(url, undefined, 'reloader@example.com');
    const first = await handle(request(`/_truefans/checkout/complete?session_id=${id}`, { cookie: cookieHeader(jar) }));
    // Joined from the post: straight back to it.
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/posts/winter-tour/');
    const after = new Map([...jar, ...cookiesFrom(first)]);
    const again = await handle(request(`/_truefans/checkout/complete?session_id=${id}`, { cookie: cookieHeader(after) }));
    expect(again.status).toBe(200);
    expect(again.headers.getSetCookie()).toEqual([]);
    expect(await again.text()).toContain('Welcome, Supporter');
  });
});

describe('the grant rules', () => {
  const fixtures = JSON.parse(readFileSync(new URL('./fixtures/stripe-objects.json', import.meta.url), 'utf8')) as Record<string, any>;
  const nonce = 'n'.repeat(43);

  async function app(): Promise<App> {
    return { keyring: await createKeyring(SECRET), now: () => NOW } as unknown as App;
  }
  async function session(changes: Record<string, unknown>, subscription: Record<string, unknown> | null = { status: 'active' }): Promise<CheckoutRecord> {
    const s = structuredClone(fixtures['checkout.session']);
    Object.assign(s, {
      status: 'complete',
      payment_status: 'paid',
      mode: 'subscription',
      created: Math.floor(NOW / 1000) - 600,
      customer: 'cus_123',
      subscription: subscription && { ...structuredClone(fixtures.subscription), ...subscription },
      metadata: { truefans_nonce: await nonceHash(await createKeyring(SECRET), nonce) },
      ...changes,
    });
    // The Stripe billing's own reading of the session, as the route receives it.
    return checkoutRecord(s as Stripe.Checkout.Session);
  }

  it.each([
    [{}, { status: 'active' }, 'granted'],
    [{}, { status: 'trialing' }, 'granted'],
    [{ payment_status: 'no_payment_required' }, { status: 'trialing' }, 'granted'],
    [{ status: 'open' }, { status: 'active' }, 'not-complete'],
    [{ status: 'expired' }, { status: 'active' }, 'not-complete'],
    [{ payment_status: 'unpaid' }, { status: 'active' }, 'unpaid'],
    [{}, { status: 'incomplete' }, 'subscription-inactive'],
    [{}, { status: 'past_due' }, 'subscription-inactive'],
    [{}, null, 'subscription-inactive'],
    [{ created: Math.floor(NOW / 1000) - 25 * 3600 }, { status: 'active' }, 'stale'],
    [{ metadata: {} }, { status: 'active' }, 'other-browser'],
    [{ customer: null }, { status: 'active' }, 'no-customer'],
  ])('%j with subscription %j: %s', async (changes, sub, verdict) => {
    expect(await judgeSession(await app(), await session(changes, sub), nonce)).toBe(verdict);
  });

  it('the nonce must be this browser\'s', async () => {
    expect(await judgeSession(await app(), await session({}), 'm'.repeat(43))).toBe('other-browser');
    expect(await judgeSession(await app(), await session({}), undefined)).toBe('other-browser');
  });
});

describe('starting a checkout', () => {
  it('never sends the fan back off the site', async () => {
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)']) {
      const { id } = await startCheckout({ tier: 'supporter', interval: 'month', return_to: bad });
      const session = await world.stripe.checkout.sessions.retrieve(id);
      expect(session.cancel_url).toBe('https://mira.example/');
      expect(session.metadata?.truefans_return).toBe('/');
    }
  });

  it('passes the tier\'s trial days, and a signed-in fan buys as the same customer', async () => {
    const { handle, jar, url, id } = await startCheckout({ tier: 'patron', interval: 'month' });
    const lines = await world.stripe.checkout.sessions.listLineItems(id);
    expect(lines.data[0]?.price?.lookup_key).toBe('truefans:tier:patron:month');
    await payOnHostedPage(url, '4242 4242 4242 4242', 'trial@example.com');
    const paid = await world.stripe.checkout.sessions.retrieve(id, { expand: ['subscription'] });
    const sub = paid.subscription as Stripe.Subscription;
    expect(sub.status).toBe('trialing');
    expect(sub.trial_end! - sub.trial_start!).toBe(7 * 86400);

    const complete = await handle(request(`/_truefans/checkout/complete?session_id=${id}`, { cookie: cookieHeader(jar) }));
    const cookie = `__Host-truefans=${cookiesFrom(complete).get('__Host-truefans')}`;
    const again = await handle(form('/_truefans/checkout', { offer: 'field-recordings' }, { cookie }));
    const offerSession = await world.stripe.checkout.sessions.retrieve(again.headers.get('location')!.split('/').pop()!);
    expect(offerSession.customer).toBe(paid.customer);

    // A member buying a tier again would pay twice: they are sent to their account instead.
    const twice = await handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'year' }, { cookie }));
    expect(twice.status).toBe(409);
    const body = await twice.text();
    expect(body).toContain('You already have this');
    expect(body).toContain('href="/_truefans/account"');
  });

  it('without a terms page, sends Stripe no custom text', async () => {
    const { id } = await startCheckout();
    const session = await world.stripe.checkout.sessions.retrieve(id);
    expect(session.custom_text.submit).toBeNull();
    expect(session.consent_collection).toBeNull();
  });

  it('a missing Stripe price answers a page that says to run npm run stripe:sync, and logs it', async () => {
    const price = (await world.stripe.prices.list({ lookup_keys: ['truefans:offer:field-recordings'] })).data[0]!;
    await world.stripe.prices.update(price.id, { active: false });
    try {
      const { handle, logs } = world.handler();
      const response = await handle(form('/_truefans/checkout', { offer: 'field-recordings' }));
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('they need to run `npm run stripe:sync`');
      expect(logs.join('\n')).toContain('TF_STRIPE_PRICE_MISSING: The Stripe price "truefans:offer:field-recordings" does not exist in this Stripe account. Run `npm run stripe:sync`');
    } finally {
      await world.stripe.prices.update(price.id, { active: true });
    }
  });

  it('Stripe down while starting a checkout: a clear 503, never 500', async () => {
    world.standIn.faults.inject({ status: 500, path: '/v1/prices' });
    const { handle } = world.handler();
    const response = await handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month' }));
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('Payments are unavailable right now');
  });
});

describe('a site with a terms page', () => {
  it('shows the terms link on Stripe\'s checkout page, for a membership, an offer and a gift, without Dashboard setup', async () => {
    const termsFixture = await buildFixture({ terms: true });
    const termsWorld = await startWorld(termsFixture);
    try {
      const { handle } = termsWorld.handler();
      const purchases: Record<string, string>[] = [{ tier: 'supporter', interval: 'month' }, { offer: 'field-recordings' }, { amount: '5' }];
      for (const fields of purchases) {
        const start = await handle(form('/_truefans/checkout', { ...fields, return_to: '/' }));
        expect(start.status, JSON.stringify(fields)).toBe(303);
        const url = start.headers.get('location')!;
        const session = await termsWorld.stripe.checkout.sessions.retrieve(url.split('/').pop()!);
        expect(session.custom_text.submit?.message).toBe('By continuing, you agree to the [terms of service](https://mira.example/terms/).');
        // consent_collection would need a terms URL in the Dashboard; Stripe refuses the session without one.
        expect(session.consent_collection).toBeNull();
        const page = await (await fetch(url)).text();
        expect(page).toContain('By continuing, you agree to the <a href="https://mira.example/terms/">terms of service</a>.');
      }
    } finally {
      await termsWorld.close();
      termsFixture.cleanup();
    }
  });
});
