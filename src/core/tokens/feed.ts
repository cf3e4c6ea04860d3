// The private feed URL's token. It never expires (a feed reader cannot sign in again), so it carries only
// who it is for and a generation number: a verified fan's email (every customer with it, as the sign-in link
// proved the mailbox), or an unverified session's one customer. What they may read is re-checked like the
// cookie, and so is the generation: a fan who resets their feed URL raises `truefans_feed_gen` on their
// Stripe customers, and every token of an older generation stops working at its next re-check. It verifies
// under the current secret only: rotating TRUEFANS_SECRET revokes every feed URL at once.

import type { Keyring } from '../crypto/keys.ts';
import { signToken, verifyToken } from './jwt.ts';
import { Errors } from '../errors.ts';

export const FEED_AUDIENCE = 'truefans:feed';
/** Feed tokens are deterministic per customer and secret, so a fan's feed address never changes. */
export const FEED_ISSUED_AT = 0;

/** Whose feed: a verified email, or one customer. */
export type FeedOwner = { email: string } | { customer: string };

/** The Stripe customer metadata key that holds the fan's current feed generation (absent: 0). */
export const FEED_GEN_METADATA = 'truefans_feed_gen';

export function feedGeneration(metadata: Record<string, string> | null | undefined): number {
  const n = Number(metadata?.[FEED_GEN_METADATA] ?? '0');
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

export function signFeedToken(keyring: Keyring, issuer: string, owner: FeedOwner, nowSeconds: number, gen = 0): Promise<string> {
  // Generation 0 carries no claim, so the addresses fans already have keep working.
  const claims: Record<string, unknown> = { ...('email' in owner ? { eml: owner.email } : {}), ...(gen ? { gen } : {}) };
  const subject = 'email' in owner ? 'email' : owner.customer;
  return signToken(keyring, claims, { label: 'feed', issuer, audience: FEED_AUDIENCE, subject, issuedAt: nowSeconds });
}

export async function verifyFeedToken(keyring: Keyring, issuer: string, token: string, nowMs: number): Promise<({ ok: true; owner: FeedOwner; gen: number }) | { ok: false; reason: string }> {
  const v = await verifyToken(keyring, token, { label: 'feed', issuer, audience: FEED_AUDIENCE, now: nowMs, required: [], currentKeyOnly: true });
  if (!v.ok) return v;
  const gen = (v.payload as { gen?: unknown }).gen ?? 0;
  if (!Number.isSafeInteger(gen) || (gen as number) < 0) return { ok: false, reason: Errors.FeedClaimsInvalid.code };
  const email = v.payload.eml;
  if (v.payload.sub === 'email' && typeof email === 'string' && /^[^\s@]{1,64}@[^\s@]{1,255}$/.test(email) && email === email.toLowerCase()) return { ok: true, owner: { email }, gen: gen as number };
  if (!/^cus_[A-Za-z0-9_]+$/.test(v.payload.sub) || email !== undefined) return { ok: false, reason: Errors.FeedClaimsInvalid.code };
  return { ok: true, owner: { customer: v.payload.sub }, gen: gen as number };
}
