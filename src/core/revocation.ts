// Signing out for real, where a store exists: sign-out revokes that session's id until the session would
// have expired, and "Sign out everywhere" sets a per-fan "not before" time that every older session of
// theirs fails. Both are read on each request that carries a session (beside the webhook's "changed"
// marker). Without a store a session is a signed cookie that nothing can recall before it expires: sign-out
// then only removes the cookie from this browser (docs/configuration.md says so).

import type { App } from './context.ts';
import { toBase64Url } from './crypto/base64url.ts';
import type { Session } from './tokens/session.ts';

const revokedKey = (sid: string) => `tf:revoked:${sid}`;
export const notBeforeKey = (customer: string) => `tf:nbf:${customer}`;

/** The store never holds an address: a verified fan's own key is a digest of their email. */
async function emailKey(email: string): Promise<string> {
  return `tf:nbf:email:${toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(email))))}`;
}

/**
 * The "not before" keys a session answers to: its customer's, and a verified session's email's (so signing
 * out everywhere reaches every browser signed in by link, and every checkout session of the fan's customers).
 */
async function fanKeys(session: Session): Promise<string[]> {
  return [notBeforeKey(session.customer), ...(session.verified && session.email ? [await emailKey(session.email)] : [])];
}

/** True if a store says this session was signed out (itself, or everywhere since it was issued). */
export async function isRevoked(app: App, session: Session): Promise<boolean> {
  if (!app.store) return false;
  // A store that cannot answer does not sign everyone out; the cookie's own expiry still holds.
  const store = app.store;
  const [revoked, ...notBefore] = await Promise.all([
    session.id ? store.get(revokedKey(session.id)).catch(() => null) : null,
    ...(await fanKeys(session)).map((key) => store.get(key).catch(() => null)),
  ]);
  return revoked !== null || notBefore.some((nbf) => nbf !== null && session.issuedAt <= Number(nbf));
}

/** Revokes one session for the rest of its life. False without a store (nothing can be revoked). */
export async function revokeSession(app: App, session: Session): Promise<boolean> {
  if (!app.store || !session.id) return false;
  const remaining = Math.ceil(session.expiresAt - app.now() / 1000);
  if (remaining > 0) await app.store.put(revokedKey(session.id), '1', { ttlSeconds: Math.max(60, remaining) });
  return true;
}

/**
 * Revokes every session of a fan issued until now: for a verified session, every browser signed in with its
 * email and every session of its customers; for an unverified one, its customer's. False without a store.
 */
export async function revokeAll(app: App, session: Session): Promise<boolean> {
  const store = app.store;
  if (!store) return false;
  const keys = [...new Set([...(await fanKeys(session)), ...(session.verified ? session.customers.map(notBeforeKey) : [])])];
  // As long as the longest session can live.
  const now = String(Math.floor(app.now() / 1000));
  await Promise.all(keys.map((key) => store.put(key, now, { ttlSeconds: app.config.sessionDays * 86400 + 60 })));
  return true;
}
