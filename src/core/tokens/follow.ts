// The emailed "confirm you follow" link's token: its own HKDF key and audience, and two days to click it
// (a reader may open the email the next evening). It needs no store: confirming twice is harmless, because
// recording a follower is idempotent. Its subject is the email in lower case.

import type { Keyring } from '../crypto/keys.ts';
import { signToken, verifyToken } from './jwt.ts';
import { Errors } from '../errors.ts';

export const FOLLOW_AUDIENCE = 'truefans:follow';
export const FOLLOW_LINK_SECONDS = 2 * 24 * 60 * 60;

const EMAIL_SUBJECT = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export function signFollowLink(keyring: Keyring, issuer: string, email: string, nowSeconds: number): Promise<string> {
  return signToken(keyring, {}, {
    label: 'follow',
    issuer,
    audience: FOLLOW_AUDIENCE,
    subject: email.trim().toLowerCase(),
    issuedAt: nowSeconds,
    expiresAt: nowSeconds + FOLLOW_LINK_SECONDS,
  });
}

export async function verifyFollowLink(keyring: Keyring, issuer: string, token: string, nowMs: number): Promise<{ ok: true; email: string } | { ok: false; reason: string }> {
  const v = await verifyToken(keyring, token, { label: 'follow', issuer, audience: FOLLOW_AUDIENCE, now: nowMs, required: ['exp'] });
  if (!v.ok) return v;
  const { sub, exp, iat } = v.payload;
  if (!EMAIL_SUBJECT.test(sub) || sub !== sub.toLowerCase()) return { ok: false, reason: Errors.TokenInvalid.code };
  if (typeof exp !== 'number' || typeof iat !== 'number' || exp - iat > FOLLOW_LINK_SECONDS) return { ok: false, reason: Errors.TokenInvalid.code };
  return { ok: true, email: sub };
}
