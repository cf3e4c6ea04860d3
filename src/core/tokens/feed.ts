// The private feed URL's token. It never expires (a feed reader cannot sign in again), so it carries only
// who it is for: a verified fan's email (every customer with it, as the sign-in link proved the mailbox), or
// an unverified session's one customer. What they may read is re-checked like the cookie. It verifies under
// the current secret only: rotating TRUEFANS_SECRET revokes every feed URL, and fans copy a new one from their
// account page.

import type { Keyring } from '../crypto/keys.ts';
import { signToken, verifyToken } from './jwt.ts';

export const FEED_AUDIENCE = 'truefans:feed';
/** Feed tokens are deterministic per customer and secret, so a fan's feed address never changes. */
export const FEED_ISSUED_AT = 0;

/** Whose feed: a verified email, or one customer. */
export type FeedOwner = { email: string } | { customer: string };

export function signFeedToken(keyring: Keyring, issuer: string, owner: FeedOwner, nowSeconds: number): Promise<string> {
  const claims = 'email' in owner ? { eml: owner.email } : {};
  const subject = 'email' in owner ? 'email' : owner.customer;
  return signToken(keyring, claims, { label: 'feed', issuer, audience: FEED_AUDIENCE, subject, issuedAt: nowSeconds });
}

export async function verifyFeedToken(keyring: Keyring, issuer: string, token: string, nowMs: number): Promise<({ ok: true } & FeedOwner) | { ok: false; reason: string }> {
  const v = await verifyToken(keyring, token, { label: 'feed', issuer, audience: FEED_AUDIENCE, now: nowMs, required: [], currentKeyOnly: true });
  if (!v.ok) return v;
  const email = v.payload.eml;
  if (v.payload.sub === 'email' && typeof email === 'string' && /^[^\s@]{1,64}@[^\s@]{1,255}$/.test(email) && email === email.toLowerCase()) return { ok: true, email };
  if (!/^cus_[A-Za-z0-9_]+$/.test(v.payload.sub) || email !== undefined) return { ok: false, reason: 'TF_FEED_CLAIMS_INVALID' };
  return { ok: true, customer: v.payload.sub };
}
