// The private feed URL's token. It never expires (a feed reader cannot sign in again), so it carries only
// the customer and a generation number; what they may read is re-checked like the cookie, and so is the
// generation: a fan who resets their feed URL raises `truefans_feed_gen` on their Stripe customer, and
// every token of an older generation stops working at its next re-check. It verifies under the current
// secret only: rotating TRUEFANS_SECRET revokes every feed URL at once.

import type { Keyring } from '../crypto/keys.ts';
import { signToken, verifyToken } from './jwt.ts';

export const FEED_AUDIENCE = 'truefans:feed';
/** Feed tokens are deterministic per customer and secret, so a fan's feed address never changes. */
export const FEED_ISSUED_AT = 0;

/** The Stripe customer metadata key that holds the fan's current feed generation (absent: 0). */
export const FEED_GEN_METADATA = 'truefans_feed_gen';

export function feedGeneration(metadata: Record<string, string> | null | undefined): number {
  const n = Number(metadata?.[FEED_GEN_METADATA] ?? '0');
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

export function signFeedToken(keyring: Keyring, issuer: string, customer: string, nowSeconds: number, gen = 0): Promise<string> {
  // Generation 0 carries no claim, so the addresses fans already have keep working.
  return signToken(keyring, gen ? { gen } : {}, { label: 'feed', issuer, audience: FEED_AUDIENCE, subject: customer, issuedAt: nowSeconds });
}

export async function verifyFeedToken(keyring: Keyring, issuer: string, token: string, nowMs: number): Promise<{ ok: true; customer: string; gen: number } | { ok: false; reason: string }> {
  const v = await verifyToken(keyring, token, { label: 'feed', issuer, audience: FEED_AUDIENCE, now: nowMs, required: [], currentKeyOnly: true });
  if (!v.ok) return v;
  const gen = (v.payload as { gen?: unknown }).gen ?? 0;
  if (!/^cus_[A-Za-z0-9_]+$/.test(v.payload.sub) || !Number.isSafeInteger(gen) || (gen as number) < 0) return { ok: false, reason: 'TF_FEED_CLAIMS_INVALID' };
  return { ok: true, customer: v.payload.sub, gen: gen as number };
}
