// The unsubscribe link in every post email (and its RFC 8058 one-click POST): a token that carries the
// reader's email in lower case, signed under its own HKDF key, valid for a year so that an old email's link
// still works. It needs no store; using it twice does the same thing twice. `npm run send` makes them,
// the edge function checks them.

import type { Keyring } from '../crypto/keys.ts';
import { ROUTES } from '../paths.ts';
import { signToken, verifyToken } from './jwt.ts';

export const UNSUBSCRIBE_AUDIENCE = 'truefans:unsubscribe';
/** The issuer is fixed (the send command may not know the deployed origin); the key is the site's own. */
const ISSUER = 'truefans';
export const UNSUBSCRIBE_SECONDS = 366 * 24 * 60 * 60;

const EMAIL_SUBJECT = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export function signUnsubscribeToken(keyring: Keyring, email: string, nowMs: number): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  return signToken(keyring, {}, {
    label: 'unsubscribe',
    issuer: ISSUER,
    audience: UNSUBSCRIBE_AUDIENCE,
    subject: email.trim().toLowerCase(),
    issuedAt: now,
    expiresAt: now + UNSUBSCRIBE_SECONDS,
  });
}

/** The email the token was made for, or undefined for a token that is tampered, expired or not one. */
export async function verifyUnsubscribeToken(keyring: Keyring, token: string, nowMs: number): Promise<{ email: string } | undefined> {
  const v = await verifyToken(keyring, token, { label: 'unsubscribe', issuer: ISSUER, audience: UNSUBSCRIBE_AUDIENCE, now: nowMs, required: ['exp'] });
  if (!v.ok) return undefined;
  const { sub, exp, iat } = v.payload;
  if (!EMAIL_SUBJECT.test(sub) || sub !== sub.toLowerCase()) return undefined;
  if (typeof exp !== 'number' || typeof iat !== 'number' || exp - iat > UNSUBSCRIBE_SECONDS) return undefined;
  return { email: sub };
}

export function unsubscribeUrl(siteOrigin: string, token: string): string {
  return `${siteOrigin.replace(/\/+$/, '')}${ROUTES.unsubscribe}?t=${encodeURIComponent(token)}`;
}
