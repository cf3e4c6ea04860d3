// The emailed sign-in link's token: single-purpose (its own HKDF key and audience), 15 minutes, and
// single-use when a key/value store is present (its jti is remembered once used). It proves the mailbox, not
// a customer: its subject is the email (lower case), and signing in joins every customer with that address.

import type { Keyring } from '../crypto/keys.ts';
import { toBase64Url } from '../crypto/base64url.ts';
import { signToken, verifyToken } from './jwt.ts';
import { Errors } from '../errors.ts';

export const MAGIC_LINK_AUDIENCE = 'truefans:sign-in';
export const MAGIC_LINK_SECONDS = 15 * 60;

export interface MagicLink {
  /** The email the link was sent to, lower case. */
  email: string;
  returnTo: string;
  jti: string;
  expiresAt: number;
}

/** Loose on purpose: the address was checked when the link was asked for; this only refuses what is not one. */
const EMAIL_SUBJECT = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export function signMagicLink(keyring: Keyring, issuer: string, email: string, returnTo: string, nowSeconds: number): Promise<string> {
  return signToken(keyring, { ret: returnTo }, {
    label: 'magic-link',
    issuer,
    audience: MAGIC_LINK_AUDIENCE,
    subject: email.trim().toLowerCase(),
    issuedAt: nowSeconds,
    expiresAt: nowSeconds + MAGIC_LINK_SECONDS,
    jti: toBase64Url(crypto.getRandomValues(new Uint8Array(16))),
  });
}

export async function verifyMagicLink(keyring: Keyring, issuer: string, token: string, nowMs: number): Promise<{ ok: true; link: MagicLink } | { ok: false; reason: string }> {
  const v = await verifyToken(keyring, token, { label: 'magic-link', issuer, audience: MAGIC_LINK_AUDIENCE, now: nowMs, required: ['exp', 'jti'] });
  if (!v.ok) return v;
  const { sub, jti, exp, ret } = v.payload as { sub: string; jti?: unknown; exp?: unknown; ret?: unknown };
  if (typeof jti !== 'string' || typeof exp !== 'number' || !EMAIL_SUBJECT.test(sub) || sub !== sub.toLowerCase()) return { ok: false, reason: Errors.LinkClaimsInvalid.code };
  // A link never lives longer than 15 minutes, whatever its exp says.
  if (typeof v.payload.iat !== 'number' || exp - v.payload.iat > MAGIC_LINK_SECONDS) return { ok: false, reason: Errors.LinkTooLongLived.code };
  return { ok: true, link: { email: sub, jti, expiresAt: exp, returnTo: typeof ret === 'string' ? ret : '/' } };
}
