// The weekly digest: its numbers over a known week (memory billing, a frozen clock), the route refusing
// without the scheduler's secret (and off without weekly_digest), and once per ISO week however often it fires.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { digestFigures, isoWeek } from '../../src/core/digest.ts';
import { PORTAL_METADATA_KEY } from '../../src/billing/stripe/portal.ts';
import { makeHandler, NOW, ORIGIN, request } from './helpers/handler.ts';
import { createMemoryBilling, type MemoryBilling } from './helpers/memory-billing.ts';
import { buildFixture, type Fixture } from './helpers/site.ts';

const CRON = 'cron-secret-for-the-digest-0123456789';
const DAY = 86_400;
const now = Math.floor(NOW / 1000);
let on: Fixture;
let off: Fixture;
let billing: MemoryBilling;
let sent: Array<{ to: string; subject: string; text: string; kind: string }>;
beforeAll(async () => {
  [on, off] = await Promise.all([buildFixture({ weeklyDigest: true }), buildFixture()]);
});
afterAll(() => {
  on?.cleanup();
  off?.cleanup();
});

/** A known history: two old fans (one monthly $5, one yearly $50), one left 3 days ago, two joined this week (one in a trial). */
beforeEach(() => {
  billing = createMemoryBilling({ now: () => NOW });
  billing.addPortalConfiguration({ [PORTAL_METADATA_KEY]: ORIGIN });
  sent = [];
  const sub = (customer: string, fields: { start: number; status?: string; interval?: 'month' | 'year'; amount: number; endedAt?: number; trialEnd?: number }) => {
    billing.addCustomer({ id: customer, email: `${customer}@fans.example` });
    const id = billing.join(customer, 'supporter', { status: fields.status ?? 'active', interval: fields.interval ?? 'month', amount: fields.amount, ...(fields.trialEnd ? { trialEnd: fields.trialEnd } : {}) });
    const s = billing.subscriptions.get(id)!;
    s.startDate = fields.start;
    s.endedAt = fields.endedAt;
  };
  sub('cus_old_month', { start: now - 90 * DAY, amount: 500 });
  sub('cus_old_year', { start: now - 400 * DAY, interval: 'year', amount: 5000 });
  sub('cus_left', { start: now - 60 * DAY, amount: 500, status: 'canceled', endedAt: now - 3 * DAY });
  sub('cus_left_long_ago', { start: now - 60 * DAY, amount: 500, status: 'canceled', endedAt: now - 20 * DAY });
  sub('cus_new', { start: now - 2 * DAY, amount: 700 });
  sub('cus_trial', { start: now - DAY, amount: 700, status: 'trialing', trialEnd: now + 6 * DAY });
});

const outbox: typeof fetch = async (_url, init) => {
  const message = JSON.parse(String(init?.body));
  sent.push(message);
  return new Response('{}', { status: 200 });
};
const env = { CRON_SECRET: CRON, CREATOR_EMAIL: 'mira@mira.example', EMAIL_PROVIDER: 'outbox', TRUEFANS_OUTBOX_URL: 'http://127.0.0.1:9/outbox' };
const handlerFor = (fixture: Fixture, extra: Record<string, string> = {}, store = false) => makeHandler(fixture, { ...env, ...extra }, { billing: billing.factory, fetch: outbox, store });
const fire = (authorization?: string) => request('/_truefans/digest', authorization ? { headers: { authorization } } : {});

describe('the weekly digest', () => {
  it('counts new and lost fans, recurring revenue (no trial) and the goal over the week', async () => {
    const figures = digestFigures(await billing.factory({} as never, fetch).digestSubscriptions(now - 7 * DAY), now);
    expect(figures).toMatchObject({ fans: 4, newFans: 2, lostFans: 1, yearly: 500 * 12 + 5000 + 700 * 12, atLeast: false });
    const handler = handlerFor(on);
    const response = await handler.handle(fire(`Bearer ${CRON}`));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('sent\n');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe('mira@mira.example');
    expect(sent[0]!.kind).toBe('weekly-digest');
    expect(sent[0]!.text).toContain('New true fans: 2\nFans who left: 1\nRecurring revenue: $194 a year');
    expect(sent[0]!.text).toContain('The goal: 4 of 100 true fans; $194 of $7,000 a year.');
    expect(sent[0]!.text).not.toMatch(/fans\.example/); // no fan's address in the digest
  });

  it('refuses without the scheduler secret, with a wrong one, or when CRON_SECRET is unset, and sends nothing', async () => {
    for (const [handler, auth] of [
      [handlerFor(on), undefined],
      [handlerFor(on), `Bearer ${CRON}x`],
      [handlerFor(on), CRON],
      [handlerFor(on), `Basic ${CRON}`],
      [handlerFor(on, { CRON_SECRET: '' }), 'Bearer '],
      [handlerFor(on, { CRON_SECRET: '' }), 'Bearer undefined'],
    ] as const) {
      const response = await handler.handle(fire(auth));
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain(CRON);
    }
    expect(sent).toHaveLength(0);
  });

  it('is a 404 without weekly_digest: true, even with the secret', async () => {
    const response = await handlerFor(off).handle(fire(`Bearer ${CRON}`));
    expect(response.status).toBe(404);
    expect(sent).toHaveLength(0);
  });

  it('goes out once per ISO week however often the scheduler fires, and again the next week', async () => {
    const handler = handlerFor(on);
    expect(await (await handler.handle(fire(`Bearer ${CRON}`))).text()).toBe('sent\n');
    expect(await (await handler.handle(fire(`Bearer ${CRON}`))).text()).toBe('already-sent\n');
    // Another isolate (no shared memory, no store) reads the mark from the billing.
    expect(await (await handlerFor(on).handle(fire(`Bearer ${CRON}`))).text()).toBe('already-sent\n');
    expect(billing.portals[0]!.metadata.truefans_digest_week).toBe(isoWeek(now));
    expect(sent).toHaveLength(1);
    handler.clock.now += 7 * DAY * 1000;
    expect(await (await handler.handle(fire(`Bearer ${CRON}`))).text()).toBe('sent\n');
    expect(sent).toHaveLength(2);
  });

  it('two firings at once with an atomic store send one digest', async () => {
    const handler = handlerFor(on, {}, true);
    const answers = await Promise.all([handler.handle(fire(`Bearer ${CRON}`)), handler.handle(fire(`Bearer ${CRON}`))]);
    expect((await Promise.all(answers.map((a) => a.text()))).sort()).toEqual(['already-sent\n', 'sent\n']);
    expect(sent).toHaveLength(1);
  });

  it('names ISO weeks as the standard does', () => {
    expect(isoWeek(Date.UTC(2026, 0, 1) / 1000)).toBe('2026-W01');
    expect(isoWeek(Date.UTC(2027, 0, 1) / 1000)).toBe('2026-W53');
    expect(isoWeek(Date.UTC(2024, 11, 30) / 1000)).toBe('2025-W01');
  });
});
