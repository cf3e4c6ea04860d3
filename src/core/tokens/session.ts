// The session cookie's token: who the fan is (their Stripe customer), what they hold, and when Stripe was
// last asked. Signed, not encrypted: it carries tier and offer ids, which the public manifest lists anyway.

import { z } from 'zod';
import type { Entitlements } from '../access.ts';
import type { Keyring } from '../crypto/keys.ts';
import { toBase64Url } from '../crypto/base64url.ts';
import { signToken, verifyToken } from './jwt.ts';

export const SESSION_AUDIENCE = 'truefans:session';

export interface Session {
  /** The Stripe customer id. */
  customer: string;
  ent: Entitlements;
  /** Seconds: when Stripe last confirmed `ent`. */
  checkedAt: number;
  /** Seconds: do not ask Stripe again before this (set after a failed re-check, so an outage costs one timeout per fan, not one per page). */
  retryAfter: number | undefined;
  issuedAt: number;
  expiresAt: number;
  /** The session's id (`sid`), kept across re-checks, so sign-out can revoke it with a store. */
  id: string | undefined;
}

const ids = z.array(z.string().max(64)).max(200);
const claims = z.object({
  ent: z.object({ tiers: ids, offers: ids }),
  chk: z.number().int().nonnegative(),
  rty: z.number().int().nonnegative().optional(),
  iat: z.number(),
  exp: z.number(),
  sub: z.string().regex(/^cus_[A-Za-z0-9_]+$/),
  sid: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/).optional(),
});

export interface SessionIssue {
  customer: string;
  ent: Entitlements;
  checkedAt: number;
  retryAfter?: number;
  /** The id of the session this one continues (a re-check); a new one is made when absent. */
  id?: string;
  /** Seconds. */
  now: number;
  days: number;
}

export function signSession(keyring: Keyring, issuer: string, s: SessionIssue): Promise<string> {
  const body: Record<string, unknown> = { ent: { tiers: [...s.ent.tiers], offers: [...s.ent.offers] }, chk: s.checkedAt };
  if (s.retryAfter !== undefined) body.rty = s.retryAfter;
  body.sid = s.id ?? toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  return signToken(keyring, body, {
    label: 'session',
    issuer,
    audience: SESSION_AUDIENCE,
    subject: s.customer,
    issuedAt: s.now,
    expiresAt: s.now + s.days * 86400,
  });
}

export type SessionResult = { ok: true; session: Session } | { ok: false; reason: string };

export async function verifySession(keyring: Keyring, issuer: string, token: string, nowMs: number): Promise<SessionResult> {
  const verified = await verifyToken(keyring, token, { label: 'session', issuer, audience: SESSION_AUDIENCE, now: nowMs, required: ['exp', 'chk', 'ent'] });
  if (!verified.ok) return verified;
  const parsed = claims.safeParse(verified.payload);
  if (!parsed.success) return { ok: false, reason: 'TF_SESSION_CLAIMS_INVALID' };
  const c = parsed.data;
  return {
    ok: true,
    session: { customer: c.sub, ent: c.ent, checkedAt: c.chk, retryAfter: c.rty, issuedAt: c.iat, expiresAt: c.exp, id: c.sid },
  };
}
