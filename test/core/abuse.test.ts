// What an anonymous visitor can repeat cheaply cannot exhaust the creator's Stripe rate limit or email
// quota: a per-instance budget always (429 with Retry-After), per-client limits with a store (keyed by an
// HMAC of the IP, never the IP itself); caches an attacker can feed stay bounded; with SITE_URL set, only
// that origin passes the Origin check.

import { describe, expect, it } from 'vitest';
import { createBuckets, LIMITS } from '../../src/core/rate-limit.ts';
import { form, makeHandler, ORIGIN, request } from './helpers/handler.ts';
import { useWorld, type World } from './helpers/stand-in.ts';
import type { Fixture } from './helpers/site.ts';

let fixture: Fixture;
let world: World;
useWorld((built) => ({ fixture, world } = built));

/** Counts the requests the handler makes to the Stripe stand-in. */
function counting(): { fetch: typeof fetch; calls: () => number } {
  let n = 0;
  return {
    fetch: (input, init) => {
      if (String(input instanceof Request ? input.url : input).startsWith(world.standIn.url)) n++;
      return fetch(input, init);
    },
    calls: () => n,
  };
}

describe('per-instance budget (no store)', () => {
  it('a flood of checkout starts is cut off with 429 and Retry-After, and Stripe sees only the burst', async () => {
    const { handle } = world.handler();
    const statuses: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 60; i++) statuses.push((await handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month' }))).status);
    // The burst, plus what the bucket refilled while the loop ran (wall-clock time).
    const allowed = LIMITS.checkout.burst + Math.ceil(((Date.now() - started) / 1000) * LIMITS.checkout.perSecond) + 1;
    expect(statuses.filter((s) => s === 303).length).toBeLessThanOrEqual(allowed);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(60 - allowed);
    const last = await handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month' }));
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await last.text()).toContain('Too many requests');
  });

  it('a flood of sign-in requests sends at most the burst of emails and Stripe lookups', async () => {
    const before = world.outbox.length;
    const { handle } = world.handler();
    const statuses: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 40; i++) statuses.push((await handle(form('/_truefans/signin', { email: `flood${i}@example.com` }))).status);
    const allowed = LIMITS.signin.burst + Math.ceil(((Date.now() - started) / 1000) * LIMITS.signin.perSecond) + 1;
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(allowed);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(40 - allowed);
    expect(world.outbox.length - before).toBeLessThanOrEqual(allowed);
  });

  it('the bucket refills over time', () => {
    const buckets = createBuckets({ ...LIMITS, checkout: { perSecond: 2, burst: 2, perClientPerMinute: 1 } });
    expect(buckets.take('checkout', 0)).toBe(0);
    expect(buckets.take('checkout', 0)).toBe(0);
    expect(buckets.take('checkout', 0)).toBeGreaterThan(0);
    expect(buckets.take('checkout', 600)).toBe(0);
  });
});

describe('per-client limits (with a store)', () => {
  it('limits one client, not another, and stores no raw IP', async () => {
    const made = world.handler({ store: true });
    const from = (ip: string) => made.handle(form('/_truefans/signin', { email: 'someone@example.com' }), { clientIp: ip });
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.signin.perClientPerMinute + 1; i++) statuses.push((await from('203.0.113.7')).status);
    expect(statuses.slice(0, LIMITS.signin.perClientPerMinute).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Another client is still served (the per-instance bucket allows the burst).
    expect((await from('198.51.100.9')).status).toBe(200);
    const stored = [...made.store.written.keys(), ...made.store.written.values()].join(' ');
    expect(stored).not.toContain('203.0.113.7');
    expect(stored).not.toContain('198.51.100.9');
    expect([...made.store.written.keys()].some((k) => k.startsWith('tf:rl:signin:'))).toBe(true);
  });
});

describe('checkout completion', () => {
  it('random session ids cannot make unlimited Stripe calls', async () => {
    const c = counting();
    // A handler with a counting fetch, sharing nothing with the others.
    const { handle } = makeHandler(fixture, world.env, { fetch: c.fetch });
    const started = Date.now();
    for (let i = 0; i < 80; i++) await handle(request(`/_truefans/checkout/complete?session_id=cs_test_${i}`));
    expect(c.calls()).toBeLessThanOrEqual(LIMITS.recheck.burst + Math.ceil(((Date.now() - started) / 1000) * LIMITS.recheck.perSecond) + 1);
    expect(c.calls()).toBeLessThan(80);
  });
});

describe('Origin check with SITE_URL set', () => {
  it('accepts only SITE_URL\'s origin, not the origin the request arrived at (the Host header)', async () => {
    const { handle } = world.handler();
    const viaOtherHost = new Request('https://attacker-controlled-host.example/_truefans/signout', { method: 'POST', headers: { origin: 'https://attacker-controlled-host.example' } });
    expect((await handle(viaOtherHost)).status).toBe(403);
    const ours = await handle(request('/_truefans/signout', { method: 'POST', origin: ORIGIN }));
    expect(ours.status).toBe(303);
  });
});
