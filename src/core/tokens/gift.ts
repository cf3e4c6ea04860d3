// The gift's redemption link: names the paid Checkout Session (its subject), lives as long as the gift can
// be redeemed (365 days from purchase), under its own HKDF key and audience. It is a bearer link: whoever
// holds it can redeem the gift once, after proving a mailbox (the claim token below), and the buyer reads
// the gift's status through it.
//
// The claim token is the emailed "this is my address" link of a redemption: 15 minutes, naming the
// session and the mailbox, single-use with a store (its jti), like a sign-in link.

import type { Keyring } from '../crypto/keys.ts';
import { toBase64Url } from '../crypto/base64url.ts';
import { signToken, verifyToken } from './jwt.ts';
import { Errors } from '../errors.ts';
import { REDEEM_WITHIN_SECONDS } from '../gifts/rules.ts';
import { MAGIC_LINK_SECONDS } from './magic-link.ts';

const GIFT_AUDIENCE = 'truefans:gift';
const CLAIM_AUDIENCE = 'truefans:gift-claim';
const SESSION_ID = /^cs_[A-Za-z0-9_]{1,200}$/;
const EMAIL_SUBJECT = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export function signGiftToken(keyring: Keyring, issuer: string, session: string, boughtAtSeconds: number): Promise<string> {
  return signToken(keyring, {}, { label: 'gift', issuer, audience: GIFT_AUDIENCE, subject: session, issuedAt: boughtAtSeconds, expiresAt: boughtAtSeconds + REDEEM_WITHIN_SECONDS });
}

export async function verifyGiftToken(keyring: Keyring, issuer: string, token: string, nowMs: number): Promise<{ ok: true; session: string } | { ok: false; reason: string }> {
  const v = await verifyToken(keyring, token, { label: 'gift', issuer, audience: GIFT_AUDIENCE, now: nowMs, required: ['exp'] });
  if (!v.ok) return v;
  const { sub, exp, iat } = v.payload;
  if (!SESSION_ID.test(sub) || typeof exp !== 'number' || typeof iat !== 'number' || exp - iat > REDEEM_WITHIN_SECONDS) return { ok: false, reason: Errors.TokenInvalid.code };
  return { ok: true, session: sub };
}

export interface GiftClaim {
  session: string;
  /** Lower case. */
  email: string;
  jti: string;
}

export function signGiftClaim(keyring: Keyring, issuer: string, session: string, email: string, nowSeconds: number): Promise<string> {
  return signToken(keyring, { gs: session }, {
    label: 'gift-claim',
    issuer,
    audience: CLAIM_AUDIENCE,
    subject: email.trim().toLowerCase(),
    issuedAt: nowSeconds,
    expiresAt: nowSeconds + MAGIC_LINK_SECONDS,
    jti: toBase64Url(crypto.getRandomValues(new Uint8Array(16))),
  });
}

export async function verifyGiftClaim(keyring: Keyring, issuer: string, token: string, nowMs: number): Promise<{ ok: true; claim: GiftClaim } | { ok: false; reason: string }> {
  const v = await verifyToken(keyring, token, { label: 'gift-claim', issuer, audience: CLAIM_AUDIENCE, now: nowMs, required: ['exp', 'jti'] });
  if (!v.ok) return v;
  const { sub, exp, iat, jti, gs } = v.payload as { sub: string; exp?: unknown; iat?: unknown; jti?: unknown; gs?: unknown };
  if (typeof gs !== 'string' || !SESSION_ID.test(gs) || typeof jti !== 'string' || !EMAIL_SUBJECT.test(sub) || sub !== sub.toLowerCase()) return { ok: false, reason: Errors.TokenInvalid.code };
  if (typeof exp !== 'number' || typeof iat !== 'number' || exp - iat > MAGIC_LINK_SECONDS) return { ok: false, reason: Errors.LinkTooLongLived.code };
  return { ok: true, claim: { session: gs, email: sub, jti } };
}
