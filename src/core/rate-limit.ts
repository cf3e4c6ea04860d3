// Limits on what an anonymous visitor can repeat cheaply and that costs the creator something: a call to
// Stripe (100 requests/s live, 25/s per endpoint) or an email. Two layers:
//   - per instance, always: a token bucket per kind of request, far under Stripe's limits, so one
//     instance can never exhaust them whatever arrives (with no store, this is the only layer);
//   - per client, with a store: a fixed window per kind, keyed by an HMAC of the client's IP address as
//     the adapter reports it (the raw address is never stored; the key is derived from the site secret).
// Over either limit: a 429 page with Retry-After.

import type { Ctx } from './context.ts';
import { toBase64Url } from './crypto/base64url.ts';
import { Errors } from './errors.ts';
import { HttpProblem } from './http/problem.ts';

export type LimitKind = 'checkout' | 'signin' | 'follow' | 'follower-write' | 'recheck' | 'letter';

interface Limit {
  /** Per instance: sustained requests per second, and the burst above it. */
  perSecond: number;
  burst: number;
  /** Per client per minute (with a store). */
  perClientPerMinute: number;
}

export const LIMITS: Readonly<Record<LimitKind, Limit>> = {
  // Each start is 1-3 Stripe calls (prices, customer lookups, the session).
  checkout: { perSecond: 4, burst: 20, perClientPerMinute: 20 },
  // Each request is a customer search and an entitlement read per customer, then perhaps an email.
  signin: { perSecond: 2, burst: 10, perClientPerMinute: 5 },
  // Each request is one email (a confirmation link); no Stripe call until the link is confirmed.
  follow: { perSecond: 2, burst: 10, perClientPerMinute: 5 },
  // Each confirmation, unsubscribe or post-email switch is a customer lookup and a few updates. Mail
  // providers fetch one-click unsubscribes from a few addresses, so the per-client limit is generous.
  'follower-write': { perSecond: 4, burst: 20, perClientPerMinute: 60 },
  // A re-check with Stripe on behalf of a private feed or a returning checkout.
  recheck: { perSecond: 5, burst: 25, perClientPerMinute: 60 },
  // A letter to the creator: two emails (theirs and the fan's copy); letters are rare, so the budget is small.
  letter: { perSecond: 0.5, burst: 10, perClientPerMinute: 3 },
};

export interface Buckets {
  take(kind: LimitKind, nowMs: number): number;
}

/** Per-instance token buckets; take() answers 0 if allowed, else the seconds until a token is free. */
export function createBuckets(limits: Readonly<Record<LimitKind, Limit>> = LIMITS): Buckets {
  const state = new Map<LimitKind, { tokens: number; at: number }>();
  return {
    take(kind, nowMs) {
      const limit = limits[kind];
      const s = state.get(kind) ?? { tokens: limit.burst, at: nowMs };
      s.tokens = Math.min(limit.burst, s.tokens + ((nowMs - s.at) / 1000) * limit.perSecond);
      s.at = nowMs;
      state.set(kind, s);
      if (s.tokens >= 1) {
        s.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - s.tokens) / limit.perSecond));
    },
  };
}

export function tooMany(retryAfterSeconds: number): HttpProblem {
  return new HttpProblem(Errors.RateLimited, undefined, { headers: { 'retry-after': String(retryAfterSeconds) } });
}

async function clientKey(ctx: Ctx, kind: LimitKind, window: number): Promise<string | undefined> {
  const ip = ctx.clientIp?.trim();
  if (!ip) return undefined;
  const key = await ctx.app.keyring.hmacKey('client-id');
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(ip)));
  return `tf:rl:${kind}:${toBase64Url(mac.slice(0, 16))}:${window}`;
}

/** Throws the 429 problem if this request is over a limit; otherwise counts it. */
export async function limit(ctx: Ctx, kind: LimitKind): Promise<void> {
  const { app } = ctx;
  // Wall-clock time, not the injected clock: these limits are about real request rates, and a test or the
  // demo may freeze or jump the site's clock.
  const now = Date.now();
  const wait = app.buckets.take(kind, now);
  if (wait > 0) {
    app.log(`truefans: too many "${kind}" requests on this instance; answering 429.`);
    throw tooMany(wait);
  }
  if (!app.store) return;
  const window = Math.floor(now / 60_000);
  const key = await clientKey(ctx, kind, window);
  if (!key) return;
  // A read then a write: on a store that is not atomic two requests may count as one, which only loosens
  // the limit slightly; the per-instance buckets above hold regardless.
  const count = Number((await app.store.get(key).catch(() => null)) ?? '0');
  if (count >= LIMITS[kind].perClientPerMinute) throw tooMany(60 - Math.floor((now % 60_000) / 1000));
  await ctx.background(app.store.put(key, String(count + 1), { ttlSeconds: 120 }));
}

/**
 * With a store: counts an email to one address and says whether it may go (at most `max` per window), so
 * nobody can flood a stranger's mailbox through the site. The key holds a hash, never the address. Without
 * a store only the limits above hold.
 */
export async function mailboxAllows(ctx: Ctx, kind: string, email: string, max: number, windowSeconds: number): Promise<boolean> {
  const { store } = ctx.app;
  if (!store) return true;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(email)));
  const key = `tf:${kind}:${toBase64Url(digest)}`;
  const count = Number((await store.get(key)) ?? '0');
  if (count >= max) return false;
  await store.put(key, String(count + 1), { ttlSeconds: windowSeconds });
  return true;
}
