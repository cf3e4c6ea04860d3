// Signing out for real, where a store exists: sign-out revokes that session's id until the session would
// have expired, and "Sign out everywhere" sets a per-fan "not before" time that every older session of
// theirs fails. Both are read on each request that carries a session (beside the webhook's "changed"
// marker). Without a store a session is a signed cookie that nothing can recall before it expires: sign-out
// then only removes the cookie from this browser (docs/configuration.md says so).

import type { App } from './app.ts';
import type { Session } from './tokens/session.ts';

const revokedKey = (sid: string) => `tf:revoked:${sid}`;
export const notBeforeKey = (customer: string) => `tf:nbf:${customer}`;

/** True if a store says this session was signed out (itself, or everywhere since it was issued). */
export async function isRevoked(app: App, session: Session): Promise<boolean> {
  if (!app.store) return false;
  // A store that cannot answer does not sign everyone out; the cookie's own expiry still holds.
  const [revoked, notBefore] = await Promise.all([
    session.id ? app.store.get(revokedKey(session.id)).catch(() => null) : null,
    app.store.get(notBeforeKey(session.customer)).catch(() => null),
  ]);
  return revoked !== null || (notBefore !== null && session.issuedAt <= Number(notBefore));
}

/** Revokes one session for the rest of its life. False without a store (nothing can be revoked). */
export async function revokeSession(app: App, session: Session): Promise<boolean> {
  if (!app.store || !session.id) return false;
  const remaining = Math.ceil(session.expiresAt - app.now() / 1000);
  if (remaining > 0) await app.store.put(revokedKey(session.id), '1', { ttlSeconds: Math.max(60, remaining) });
  return true;
}

/** Revokes every session of a fan issued until now. False without a store. */
export async function revokeAll(app: App, customer: string): Promise<boolean> {
  if (!app.store) return false;
  // As long as the longest session can live.
  await app.store.put(notBeforeKey(customer), String(Math.floor(app.now() / 1000)), { ttlSeconds: app.config.sessionDays * 86400 + 60 });
  return true;
}
