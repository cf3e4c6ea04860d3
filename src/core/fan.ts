// Who is asking: the fan behind the session cookie, re-checked with Stripe when the cookie's check is older
// than TRUEFANS_RECHECK_SECONDS (or, with a store, when a webhook said their subscription changed). When
// Stripe cannot answer, a fan checked within TRUEFANS_GRACE_SECONDS keeps what they had; after that the
// answer is "unavailable", which routes turn into a 503 page, never the content. A verified session (made by
// a sign-in link) re-reads every customer with its email at each re-check; an unverified one (made at checkout
// completion) reads only its own customer: paying is never proof of an email address.

import type { Entitlements } from './access.ts';
import type { App, Ctx } from './context.ts';
import { clearCookie, readCookie, SESSION_COOKIE, setCookie } from './http/cookies.ts';
import { isMissing, isTransient, stripeFailure, type ReadOptions } from './billing.ts';
import { signSession, verifySession, type Session } from './tokens/session.ts';
import { isRevoked } from './revocation.ts';
import { stringBytes } from './memo.ts';

export type Fan =
  | { kind: 'anonymous'; cookies: string[] }
  | { kind: 'member'; customer: string; ent: Entitlements; session: Session; cookies: string[] }
  | { kind: 'unavailable'; cookies: string[] };

/** After a failed re-check within the grace period, wait this long before asking Stripe again. */
export const RETRY_SECONDS = 300;

export const changedKey = (customer: string) => `tf:changed:${customer}`;

/** Who a session is for: one customer (unverified), or a verified email with its customers. */
export type Identity = { customer: string; verified?: { email: string; customers: readonly string[] } };

export const identityOf = (session: Session): Identity =>
  session.verified && session.email ? { customer: session.customer, verified: { email: session.email, customers: session.customers } } : { customer: session.customer };

/** The Set-Cookie value for a fresh session. */
export async function sessionCookie(app: App, url: URL, who: Identity, ent: Entitlements, checkedAt: number, retryAfter?: number, id?: string): Promise<string> {
  const now = Math.floor(app.now() / 1000);
  const token = await signSession(app.keyring, app.siteOrigin, {
    customer: who.customer,
    ...(who.verified ? { verified: who.verified } : {}),
    ent,
    checkedAt,
    now,
    days: app.config.sessionDays,
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    ...(id ? { id } : {}),
  });
  return setCookie(SESSION_COOKIE, token, url, app.config.sessionDays * 86400);
}

/** A fresh read of what a session's fan holds: every customer of a verified email, or the one customer. */
async function recheck(app: App, session: Session): Promise<{ who: Identity; ent: Entitlements } | undefined> {
  if (session.verified && session.email) {
    const fan = await app.billing.fan(session.email, entitlementOptions(app), app.log);
    if (!fan.primary) return undefined;
    return { who: { customer: fan.primary, verified: { email: session.email, customers: fan.customers } }, ent: fan.ent };
  }
  return { who: { customer: session.customer }, ent: await app.billing.entitlements(session.customer, entitlementOptions(app)) };
}

export async function readSession(ctx: Ctx): Promise<{ session: Session | undefined; invalid: boolean }> {
  const token = readCookie(ctx.request, SESSION_COOKIE, ctx.url);
  if (!token) return { session: undefined, invalid: false };
  const { app } = ctx;
  const known = app.memo.sessions.get(token);
  // A remembered token skips the HMAC, not the clock nor the revocation check: both run on every request.
  let session: Session | undefined;
  if (known) session = known.expiresAt > app.now() / 1000 ? known : undefined;
  else {
    const result = await verifySession(app.keyring, app.siteOrigin, token, app.now());
    // The decoded session holds no more than its token carries.
    if (result.ok) app.memo.sessions.set(token, (session = result.session), stringBytes(token));
  }
  if (session && (await isRevoked(app, session))) session = undefined;
  return session ? { session, invalid: false } : { session: undefined, invalid: true };
}

export function entitlementOptions(app: App): ReadOptions {
  return { pastDue: app.config.pastDue, tierIds: app.rankedTiers, offerIds: app.offerIds, also: app.legacyTiers };
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
    const marks = await Promise.all(session.customers.map((c) => app.store!.get(changedKey(c)).catch(() => null)));
    stale = marks.some((marked) => marked !== null && Number(marked) >= session.checkedAt);
  }
  const member = (ent: Entitlements, cookies: string[], current: Session = session): Fan => ({ kind: 'member', customer: current.customer, ent, session: current, cookies });
  if (!stale) return member(session.ent, []);

  const withinGrace = age < app.config.graceSeconds;
  if (session.retryAfter !== undefined && now < session.retryAfter) {
    return withinGrace ? member(session.ent, []) : { kind: 'unavailable', cookies: [] };
  }
  try {
    const fresh = await recheck(app, session);
    if (!fresh) {
      app.log(`truefans: no Stripe customer has a verified session's email any more; signing that browser out.`);
      return { kind: 'anonymous', cookies: [clearCookie(SESSION_COOKIE, url)] };
    }
    const { who, ent } = fresh;
    const current: Session = { ...session, customer: who.customer, customers: who.verified ? [...new Set([who.customer, ...who.verified.customers])] : [who.customer], ent, checkedAt: now, retryAfter: undefined };
    return member(ent, [await sessionCookie(app, url, who, ent, now, undefined, session.id)], current);
  } catch (error) {
    if (isMissing(error)) {
      app.log(`truefans: the Stripe customer of a session no longer exists; signing that browser out.`);
      return { kind: 'anonymous', cookies: [clearCookie(SESSION_COOKIE, url)] };
    }
    const failure = stripeFailure(error, 're-checking a fan\'s membership');
    if (isTransient(error) && withinGrace) {
      app.log(`truefans: ${failure.code}: ${failure.message.split('\n')[0]}${failure.detail ? ` ${failure.detail}` : ''} Keeping the fan's access for the grace period (checked ${age}s ago).`);
      const retryAfter = Math.min(now + RETRY_SECONDS, session.checkedAt + app.config.graceSeconds);
      return member(session.ent, [await sessionCookie(app, url, identityOf(session), session.ent, session.checkedAt, retryAfter, session.id)]);
    }
    app.log(`truefans: ${failure.code}: ${failure.describe().replace(/\n/g, ' ')} ${withinGrace ? '' : 'The grace period is over; '}answering 503.`);
    return { kind: 'unavailable', cookies: [] };
  }
}
