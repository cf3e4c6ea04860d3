// Re-validation of the session cookie against the billing: the status table, and provider faults
// (transient, a refusal, no answer) within and beyond the grace period. The billing is the in-memory one
// these tests control (helpers/memory-billing.ts); how the Stripe billing maps Stripe's own answers onto
// those faults is tested beside it (test/billing/stripe/). The clock is frozen.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifySession } from '../../src/core/tokens/session.ts';
import { createKeyring } from '../../src/core/crypto/keys.ts';
import { createMemoryBilling, type MemoryBilling } from './helpers/memory-billing.ts';
import { cookiesFrom, makeHandler, NOW, ORIGIN, request, sessionFor } from './helpers/handler.ts';
import { buildFixture, expectNoSecrets, SECRET, SECRET_TEXT, type Fixture } from './helpers/site.ts';

let fixture: Fixture;
let billing: MemoryBilling;
beforeAll(async () => {
  fixture = await buildFixture();
});
afterAll(() => {
  fixture.cleanup();
});
/** cus_fan1 holds these subscriptions: [tier, status]. */
function holds(subscriptions: Array<[string, string]>) {
  billing.subscriptions.clear();
  for (const [tier, status] of subscriptions) billing.join('cus_fan1', tier, { status });
}
beforeEach(() => {
  billing = createMemoryBilling({ now: () => NOW });
  billing.addCustomer({ id: 'cus_fan1', email: 'fan1@example.com' });
  holds([['supporter', 'active']]);
});

const HOUR = 3600_000;
const handlerWith = (env: Record<string, string> = {}) => makeHandler(fixture, env, { billing: billing.factory });
const checkedAgo = (ms: number) => sessionFor('cus_fan1', { tiers: ['supporter'], offers: [] }, NOW - ms, { nowMs: NOW - ms });

async function sessionIn(response: Response) {
  const token = cookiesFrom(response).get('__Host-truefans');
  if (!token) return undefined;
  const result = await verifySession(await createKeyring(SECRET), ORIGIN, token, NOW);
  return result.ok ? result.session : undefined;
}

describe('re-validation', () => {
  it('does not call Stripe while the check is fresh', async () => {
    const { handle } = handlerWith();
    const before = billing.calls.length;
    const response = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(HOUR - 1000) }));
    expect(await response.text()).toContain(SECRET_TEXT.members);
    expect(billing.calls.length).toBe(before);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('re-checks a stale cookie, and refreshes it with the new check time', async () => {
    const { handle } = handlerWith();
    const before = billing.calls.length;
    const response = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(HOUR + 1000) }));
    expect(await response.text()).toContain(SECRET_TEXT.members);
    expect(billing.calls.slice(before)).toContain('entitlements cus_fan1');
    expect(await sessionIn(response)).toMatchObject({ checkedAt: NOW / 1000, ent: { tiers: ['supporter'], offers: [] } });
  });

  it('honours TRUEFANS_RECHECK_SECONDS', async () => {
    const { handle } = handlerWith({ TRUEFANS_RECHECK_SECONDS: '60' });
    const before = billing.calls.length;
    await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(61_000) }));
    expect(billing.calls.length).toBeGreaterThan(before);
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
      holds([['supporter', status]]);
      for (const [policy, grants] of [['keep', keep], ['revoke', revoke]] as const) {
        const { handle } = handlerWith({ TRUEFANS_PAST_DUE: policy });
        const response = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(2 * HOUR) }));
        const body = await response.text();
        expect(response.status).toBe(200);
        if (grants) expect(body).toContain(SECRET_TEXT.members);
        else expectNoSecrets(body);
        expect((await sessionIn(response))?.ent.tiers).toEqual(grants ? ['supporter'] : []);
      }
    });

    it('follows an upgrade and a downgrade at the next check', async () => {
      const { handle } = handlerWith();
      holds([['patron', 'active']]);
      const up = await handle(request('/posts/patrons-only/', { cookie: await checkedAgo(2 * HOUR) }));
      expect(await up.text()).toContain(SECRET_TEXT.patron);
      holds([['patron', 'canceled'], ['supporter', 'active']]);
      const down = await handle(request('/posts/patrons-only/', { cookie: await sessionFor('cus_fan1', { tiers: ['patron'], offers: [] }, NOW - 2 * HOUR) }));
      expectNoSecrets(await down.text());
    });
  });

  describe('provider faults', () => {
    it.each(['transient'] as const)('a %s fault within the grace period: the fan keeps access, and Stripe is not asked again for a while', async (mode) => {
      billing.fault = mode;
      const { handle, logs } = handlerWith();
      const response = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(2 * HOUR) }));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain(SECRET_TEXT.members);
      const session = await sessionIn(response);
      expect(session).toMatchObject({ checkedAt: (NOW - 2 * HOUR) / 1000, retryAfter: NOW / 1000 + 300 });
      expect(logs.join('\n')).toContain('TF_STRIPE_UNAVAILABLE');
      expect(logs.join('\n')).toContain('Keeping the fan\'s access for the grace period');

      // The refreshed cookie carries "retry after": the next page costs no Stripe call.
      const before = billing.calls.length;
      const again = await handle(request('/posts/winter-tour/', { cookie: `__Host-truefans=${cookiesFrom(response).get('__Host-truefans')}` }));
      expect(await again.text()).toContain(SECRET_TEXT.members);
      expect(billing.calls.length).toBe(before);
    });

    it.each(['transient'] as const)('a %s fault beyond the grace period: a clear 503, no content, never 500', async (mode) => {
      billing.fault = mode;
      const { handle } = handlerWith();
      const response = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(25 * HOUR) }));
      const body = await response.text();
      expect(response.status).toBe(503);
      expect(body).toContain('We can&#39;t confirm your membership right now');
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expectNoSecrets(body);
    });

    it('honours TRUEFANS_GRACE_SECONDS', async () => {
      billing.fault = 'transient';
      const { handle } = handlerWith({ TRUEFANS_GRACE_SECONDS: '7200' });
      const response = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(2 * HOUR + 1000) }));
      expect(response.status).toBe(503);
      expectNoSecrets(await response.text());
    });

    it('a timeout (3 s) within and beyond the grace period', async () => {
      billing.fault = 'hang';
      const { handle } = handlerWith();
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
      billing.fault = 'transient';
      const { handle, clock } = handlerWith();
      const first = await handle(request('/posts/winter-tour/', { cookie: await checkedAgo(2 * HOUR) }));
      const cookie = `__Host-truefans=${cookiesFrom(first).get('__Host-truefans')}`;
      billing.fault = undefined;
      clock.now = NOW + 301_000;
      const later = await handle(request('/posts/winter-tour/', { cookie }));
      expect(await later.text()).toContain(SECRET_TEXT.members);
      const token = cookiesFrom(later).get('__Host-truefans')!;
      const session = await verifySession(await createKeyring(SECRET), ORIGIN, token, clock.now);
      expect(session.ok && session.session).toMatchObject({ checkedAt: Math.floor(clock.now / 1000), retryAfter: undefined });
    });

    it('a refusal (a wrong key) fails closed at once, and says which setting to check', async () => {
      billing.fault = 'refused';
      const { handle, logs } = handlerWith();
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
