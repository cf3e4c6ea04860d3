// Who is asking: the fan behind the session cookie, re-checked with Stripe when the cookie's check is older
// than TRUEFANS_RECHECK_SECONDS (or, with a store, when a webhook said their subscription changed). When
// Stripe cannot answer, a fan checked within TRUEFANS_GRACE_SECONDS keeps what they had; after that the
// answer is "unavailable", which routes turn into a 503 page, never the content.

import type { Entitlements } from './access.ts';
import type { App, Ctx } from './app.ts';
import { clearCookie, readCookie, SESSION_COOKIE, setCookie } from './http/cookies.ts';
import { isMissing, isTransient, stripeFailure } from './stripe/faults.ts';
import { readEntitlements } from './stripe/entitlements.ts';
import { signSession, verifySession, type Session } from './tokens/session.ts';

export type Fan =
  | { kind: 'anonymous'; cookies: string[] }
  | { kind: 'member'; customer: string; ent: Entitlements; session: Session; cookies: string[] }
  | { kind: 'unavailable'; cookies: string[] };

/** After a failed re-check within the grace period, wait this long before asking Stripe again. */
export const RETRY_SECONDS = 300;

export const changedKey = (customer: string) => `tf:changed:${customer}`;

/** The Set-Cookie value for a fresh session. */
export async function sessionCookie(app: App, url: URL, customer: string, ent: Entitlements, checkedAt: number, retryAfter?: number): Promise<string> {
  const now = Math.floor(app.now() / 1000);
  const token = await signSession(app.keyring, app.siteOrigin, { customer, ent, checkedAt, now, days: app.config.sessionDays, ...(retryAfter !== undefined ? { retryAfter } : {}) });
  return setCookie(SESSION_COOKIE, token, url, app.config.sessionDays * 86400);
}

export async function readSession(ctx: Ctx): Promise<{ session: Session | undefined; invalid: boolean }> {
  const token = readCookie(ctx.request, SESSION_COOKIE, ctx.url);
  if (!token) return { session: undefined, invalid: false };
  const { app } = ctx;
  const known = app.memo.sessions.get(token);
  // A remembered token skips the HMAC, not the clock: expiry is checked on every request.
  if (known) return known.expiresAt > app.now() / 1000 ? { session: known, invalid: false } : { session: undefined, invalid: true };
  const result = await verifySession(app.keyring, app.siteOrigin, token, app.now());
  if (result.ok) app.memo.sessions.set(token, result.session);
  return result.ok ? { session: result.session, invalid: false } : { session: undefined, invalid: true };
}

export function entitlementOptions(app: App) {
  return { pastDue: app.config.pastDue, tierIds: app.rankedTiers, offerIds: app.offerIds };
}

export async function resolveFan(ctx: Ctx): Promise<Fan> {
  const { app, url } = ctx;
  const { session, invalid } = await readSession(ctx);
  if (!session) return { kind: 'anonymous', cookies: invalid ? [clearCookie(SESSION_COOKIE, url)] : [] };

  const now = Math.floor(app.now() / 1000);
  const age = now - session.checkedAt;
  let stale = age >= app.config.recheckSeconds;
  if (!stale && app.store) {
    // A webhook marks a customer whose subscription changed, so a cancellation or downgrade applies now.
    // Same second counts as after: the change may have landed just after the check.
    const marked = await app.store.get(changedKey(session.customer)).catch(() => null);
    stale = marked !== null && Number(marked) >= session.checkedAt;
  }
  const member = (ent: Entitlements, cookies: string[]): Fan => ({ kind: 'member', customer: session.customer, ent, session, cookies });
  if (!stale) return member(session.ent, []);

  const withinGrace = age < app.config.graceSeconds;
  if (session.retryAfter !== undefined && now < session.retryAfter) {
    return withinGrace ? member(session.ent, []) : { kind: 'unavailable', cookies: [] };
  }
  try {
    const ent = await readEntitlements(app.stripe, session.customer, entitlementOptions(app));
    return member(ent, [await sessionCookie(app, url, session.customer, ent, now)]);
  } catch (error) {
    if (isMissing(error)) {
      app.log(`truefans: the Stripe customer of a session no longer exists; signing that browser out.`);
      return { kind: 'anonymous', cookies: [clearCookie(SESSION_COOKIE, url)] };
    }
    const failure = stripeFailure(error, 're-checking a fan\'s membership');
    if (isTransient(error) && withinGrace) {
      app.log(`truefans: ${failure.code}: ${failure.message.split('\n')[0]}${failure.detail ? ` ${failure.detail}` : ''} Keeping the fan's access for the grace period (checked ${age}s ago).`);
      const retryAfter = Math.min(now + RETRY_SECONDS, session.checkedAt + app.config.graceSeconds);
      return member(session.ent, [await sessionCookie(app, url, session.customer, session.ent, session.checkedAt, retryAfter)]);
    }
    app.log(`truefans: ${failure.code}: ${failure.describe().replace(/\n/g, ' ')} ${withinGrace ? '' : 'The grace period is over; '}answering 503.`);
    return { kind: 'unavailable', cookies: [] };
  }
}
