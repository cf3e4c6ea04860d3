// The one-click unsubscribe link in every post email: a signed token naming the recipient's email (lower
// case), valid for a year, under its own HKDF key. It needs no store: the edge verifies it and turns post
// emails off on the Stripe customers of that email. (Part B of issue 13 writes this file with the
// signatures part A defines; the two are merged into one.)

import type { Keyring } from '../crypto/keys.ts';
import { signToken, verifyToken } from './jwt.ts';

export const UNSUBSCRIBE_AUDIENCE = 'truefans:unsubscribe';
export const UNSUBSCRIBE_SECONDS = 365 * 86_400;
const ISSUER = 'truefans';
const EMAIL_SUBJECT = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export function signUnsubscribeToken(keyring: Keyring, email: string, nowMs: number): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  return signToken(keyring, {}, { label: 'unsubscribe', issuer: ISSUER, audience: UNSUBSCRIBE_AUDIENCE, subject: email.trim().toLowerCase(), issuedAt: now, expiresAt: now + UNSUBSCRIBE_SECONDS });
}

export async function verifyUnsubscribeToken(keyring: Keyring, token: string, nowMs: number): Promise<{ email: string } | undefined> {
  const v = await verifyToken(keyring, token, { label: 'unsubscribe', issuer: ISSUER, audience: UNSUBSCRIBE_AUDIENCE, now: nowMs, required: ['exp'] });
  if (!v.ok || !EMAIL_SUBJECT.test(v.payload.sub) || v.payload.sub !== v.payload.sub.toLowerCase()) return undefined;
  return { email: v.payload.sub };
}

export function unsubscribeUrl(siteOrigin: string, token: string): string {
  return `${new URL(siteOrigin).origin}/_truefans/unsubscribe?t=${encodeURIComponent(token)}`;
}
