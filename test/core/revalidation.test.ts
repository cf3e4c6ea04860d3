// Re-validation of the session cookie against Stripe: the status table, and Stripe faults (500, 429, a
// timeout) within and beyond the grace period. The real `stripe` package talks to a small local server
// these tests control (helpers/fake-stripe.ts); the clock is frozen.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifySession } from '../../src/core/tokens/session.ts';
import { createKeyring } from '../../src/core/crypto/keys.ts';
import { startFakeStripe, type FakeStripe } from './helpers/fake-stripe.ts';
import { cookiesFrom, makeHandler, NOW, ORIGIN, request, sessionFor } from './helpers/handler.ts';
import { buildFixture, expectNoSecrets, SECRET, SECRET_TEXT, type Fixture } from './helpers/site.ts';

let fixture: Fixture;
let stripe: FakeStripe;
beforeAll(async () => {
  fixture = await buildFixture();
  stripe = await startFakeStripe();
});
afterAll(async () => {
  fixture.cleanup();
  await stripe.close();
});
beforeEach(() => {
  stripe.mode = 'ok';
  stripe.subscriptions = [['supporter', 'active']];
});

const HOUR = 3600_000;
const env = (extra: Record<string, string> = {}) => ({ STRIPE_API_BASE: stripe.base, ...extra });
const checkedAgo = (ms: number) => sessionFor('cus_fan1', { tiers: ['supporter'], offers: [] }, NOW - ms, { nowMs: NOW - ms });

async function sessionIn(response: Response) {
  const token = cookiesFrom(response).get('__Host-truefans');
  if (!token) return undefined;
  const result = await verifySession(await createKeyring(SECRET), ORIGIN, token, NOW);
  return result.ok ? result.session : undefined;
}

describe('re-validation', () => {
  it('does not call Stripe while the check is fresh', async () => {
    const { handle } = makeHandler(fixture, env());
    const before = stripe.requests.length;
    const response = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(HOUR - 1000) }));
    expect(await response.text()).toContain(SECRET_TEXT.members);
    expect(stripe.requests.length).toBe(before);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('re-checks a stale cookie, and refreshes it with the new check time', async () => {
    const { handle } = makeHandler(fixture, env());
    const before = stripe.requests.length;
    const response = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(HOUR + 1000) }));
    expect(await response.text()).toContain(SECRET_TEXT.members);
    expect(stripe.requests.slice(before).some((r) => r.startsWith('GET /v1/subscriptions?customer=cus_fan1'))).toBe(true);
    expect(await sessionIn(response)).toMatchObject({ checkedAt: NOW / 1000, ent: { tiers: ['supporter'], offers: [] } });
  });

  it('honours TRUEFANS_RECHECK_SECONDS', async () => {
    const { handle } = makeHandler(fixture, env({ TRUEFANS_RECHECK_SECONDS: '60' }));
    const before = stripe.requests.length;
    await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(61_000) }));
    expect(stripe.requests.length).toBeGreaterThan(before);
  });

  describe('the subscription status table', () => {
    const table: Array<[string, boolean, boolean]> = [
      // status, grants with TRUEFANS_PAST_DUE=keep (default), grants with revoke
      ['active', true, true],
      ['trialing', true, true],
      ['past_due', true, false],
      ['unpaid', false, false], // Stripe stopped retrying: access ends whatever the policy
      ['canceled', false, false],
      ['incomplete', false, false],
      ['incomplete_expired', false, false],
      ['paused', false, false],
    ];
    it.each(table)('%s: keep=%s revoke=%s', async (status, keep, revoke) => {
      stripe.subscriptions = [['supporter', status]];
      for (const [policy, grants] of [['keep', keep], ['revoke', revoke]] as const) {
        const { handle } = makeHandler(fixture, env({ TRUEFANS_PAST_DUE: policy }));
        const response = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(2 * HOUR) }));
        const body = await response.text();
        expect(response.status).toBe(200);
        if (grants) expect(body).toContain(SECRET_TEXT.members);
        else expectNoSecrets(body);
        expect((await sessionIn(response))?.ent.tiers).toEqual(grants ? ['supporter'] : []);
      }
    });

    it('follows an upgrade and a downgrade at the next check', async () => {
      const { handle } = makeHandler(fixture, env());
      stripe.subscriptions = [['patron', 'active']];
      const up = await handle(request('/posts/patrons-only/', { cookie: await checkedAgo(2 * HOUR) }));
      expect(await up.text()).toContain(SECRET_TEXT.patron);
      stripe.subscriptions = [['patron', 'canceled'], ['supporter', 'active']];
      const down = await handle(request('/posts/patrons-only/', { cookie: await sessionFor('cus_fan1', { tiers: ['patron'], offers: [] }, NOW - 2 * HOUR) }));
      expectNoSecrets(await down.text());
    });
  });

  describe('Stripe faults', () => {
    it.each([500, 429] as const)('%s within the grace period: the fan keeps access, and Stripe is not asked again for a while', async (mode) => {
      stripe.mode = mode;
      const { handle, logs } = makeHandler(fixture, env());
      const response = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(2 * HOUR) }));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain(SECRET_TEXT.members);
      const session = await sessionIn(response);
      expect(session).toMatchObject({ checkedAt: (NOW - 2 * HOUR) / 1000, retryAfter: NOW / 1000 + 300 });
      expect(logs.join('\n')).toContain('TF_STRIPE_UNAVAILABLE');
      expect(logs.join('\n')).toContain('Keeping the fan\'s access for the grace period');

      // The refreshed cookie carries "retry after": the next page costs no Stripe call.
      const before = stripe.requests.length;
      const again = await handle(request('/posts/winter-tour/', { cookie: `__Host-truefans=${cookiesFrom(response).get('__Host-truefans')}` }));
      expect(await again.text()).toContain(SECRET_TEXT.members);
      expect(stripe.requests.length).toBe(before);
    });

    it.each([500, 429] as const)('%s beyond the grace period: a clear 503, no content, never 500', async (mode) => {
      stripe.mode = mode;
      const { handle } = makeHandler(fixture, env());
      const response = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(25 * HOUR) }));
      const body = await response.text();
      expect(response.status).toBe(503);
      expect(body).toContain('We can&#39;t confirm your membership right now');
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expectNoSecrets(body);
    });

    it('honours TRUEFANS_GRACE_SECONDS', async () => {
      stripe.mode = 500;
      const { handle } = makeHandler(fixture, env({ TRUEFANS_GRACE_SECONDS: '7200' }));
      const response = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(2 * HOUR + 1000) }));
      expect(response.status).toBe(503);
      expectNoSecrets(await response.text());
    });

    it('a timeout (3 s) within and beyond the grace period', async () => {
      stripe.mode = 'hang';
      const { handle } = makeHandler(fixture, env());
      const started = Date.now();
      const [within, beyond] = await Promise.all([
        handle(request('/posts/winter-tour/', { cookie: await checkedAgo(2 * HOUR) })),
        handle(request('/posts/winter-tour/', { cookie: await checkedAgo(25 * HOUR) })),
      ]);
      expect(Date.now() - started).toBeLessThan(8000);
      expect(within.status).toBe(200);
      expect(await within.text()).toContain(SECRET_TEXT.members);
      expect(beyond.status).toBe(503);
      expectNoSecrets(await beyond.text());
    }, 15_000);

    it('recovers once Stripe answers again', async () => {
      stripe.mode = 500;
      const { handle, clock } = makeHandler(fixture, env());
      const first = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(2 * HOUR) }));
      const cookie = `__Host-truefans=${cookiesFrom(first).get('__Host-truefans')}`;
      stripe.mode = 'ok';
      clock.now = NOW + 301_000;
      const later = await handle(request('/posts/winter-tour/', { cookie }));
      expect(await later.text()).toContain(SECRET_TEXT.members);
      const token = cookiesFrom(later).get('__Host-truefans')!;
      const session = await verifySession(await createKeyring(SECRET), ORIGIN, token, clock.now);
      expect(session.ok && session.session).toMatchObject({ checkedAt: Math.floor(clock.now / 1000), retryAfter: undefined });
    });

    it('a refusal (a wrong key) fails closed at once, and says which setting to check', async () => {
      stripe.mode = 401;
      const { handle, logs } = makeHandler(fixture, env());
      const response = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(2 * HOUR) }));
      expect(response.status).toBe(503);
      expectNoSecrets(await response.text());
      expect(logs.join('\n')).toContain('TF_STRIPE_REFUSED: Stripe refused a request while re-checking a fan\'s membership (HTTP 401). Check STRIPE_SECRET_KEY');
      expect(logs.join('\n')).not.toContain('sk_test_truefans_local');
    });
  });
});

describe('statuses reached through the stand-in (real renewals, failures and cancellations)', () => {
  it('a failed renewal (past_due) follows TRUEFANS_PAST_DUE; canceled grants nothing', async () => {
    const { startWorld, payOnHostedPage } = await import('./helpers/stand-in.ts');
    const { form, cookieHeader } = await import('./helpers/handler.ts');
    const world = await startWorld(fixture);
    try {
      // Sessions last longer than the month it takes to reach the renewal.
      const long = { TRUEFANS_SESSION_DAYS: '60' };
      const keep = world.handler({ env: long });
      const start = await keep.handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month', return_to: '/posts/winter-tour/' }));
      const paid = await payOnHostedPage(start.headers.get('location')!, '4000 0000 0000 0341', 'renewal@example.com');
      const back = new URL(paid.headers.get('location')!);
      const complete = await keep.handle(request(back.pathname + back.search, { cookie: cookieHeader(cookiesFrom(start)) }));
      const cookie = `__Host-truefans=${cookiesFrom(complete).get('__Host-truefans')}`;
      const sessionId = back.searchParams.get('session_id')!;
      const subId = (await world.stripe.checkout.sessions.retrieve(sessionId)).subscription as string;

      // A month later the renewal fails: past_due. The cookie is now older than the re-check interval.
      await world.standIn.clock.advance(32 * 86400);
      expect((await world.stripe.subscriptions.retrieve(subId)).status).toBe('past_due');
      const kept = await world.handler({ env: long }).handle(request('/posts/winter-tour/', { cookie }));
      expect(await kept.text()).toContain(SECRET_TEXT.members);
      const revoked = await world.handler({ env: { ...long, TRUEFANS_PAST_DUE: 'revoke' } }).handle(request('/posts/winter-tour/', { cookie }));
      expectNoSecrets(await revoked.text());

      await world.stripe.subscriptions.cancel(subId);
      const canceled = await world.handler({ env: long }).handle(request('/posts/winter-tour/', { cookie }));
      expectNoSecrets(await canceled.text());
      expect((await sessionInAt(canceled, world.standIn.clock.now()))?.ent.tiers).toEqual([]);
    } finally {
      await world.close();
    }
  });
});

async function sessionInAt(response: Response, nowMs: number) {
  const token = cookiesFrom(response).get('__Host-truefans');
  if (!token) return undefined;
  const result = await verifySession(await createKeyring(SECRET), ORIGIN, token, nowMs);
  return result.ok ? result.session : undefined;
}
