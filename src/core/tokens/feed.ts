// The private feed URL's token. It never expires (a feed reader cannot sign in again), so it carries only
// the customer; what they may read is re-checked like the cookie. It verifies under the current secret
// only: rotating TRUEFANS_SECRET revokes every feed URL, and fans copy a new one from their account page.

import type { Keyring } from '../crypto/keys.ts';
import { signToken, verifyToken } from './jwt.ts';

export const FEED_AUDIENCE = 'truefans:feed';
/** Feed tokens are deterministic per customer and secret, so a fan's feed address never changes. */
export const FEED_ISSUED_AT = 0;

export function signFeedToken(keyring: Keyring, issuer: string, customer: string, nowSeconds: number): Promise<string> {
  return signToken(keyring, {}, { label: 'feed', issuer, audience: FEED_AUDIENCE, subject: customer, issuedAt: nowSeconds });
}

export async function verifyFeedToken(keyring: Keyring, issuer: string, token: string, nowMs: number): Promise<{ ok: true; customer: string } | { ok: false; reason: string }> {
  const v = await verifyToken(keyring, token, { label: 'feed', issuer, audience: FEED_AUDIENCE, now: nowMs, required: [], currentKeyOnly: true });
  if (!v.ok) return v;
  if (!/^cus_[A-Za-z0-9_]+$/.test(v.payload.sub)) return { ok: false, reason: 'TF_FEED_CLAIMS_INVALID' };
  return { ok: true, customer: v.payload.sub };
}
