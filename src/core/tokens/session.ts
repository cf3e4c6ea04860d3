// The session cookie's token: who the fan is (their Stripe customer), what they hold, and when Stripe was
// last asked. Signed, not encrypted: it carries tier and offer ids, which the public manifest lists anyway.

import { z } from 'zod';
import type { Entitlements } from '../access.ts';
import type { Keyring } from '../crypto/keys.ts';
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
}

const ids = z.array(z.string().max(64)).max(200);
const claims = z.object({
  ent: z.object({ tiers: ids, offers: ids, lapsed: ids.optional(), interval: z.enum(['month', 'year']).optional() }),
  chk: z.number().int().nonnegative(),
  rty: z.number().int().nonnegative().optional(),
  iat: z.number(),
  exp: z.number(),
  sub: z.string().regex(/^cus_[A-Za-z0-9_]+$/),
});

export interface SessionIssue {
  customer: string;
  ent: Entitlements;
  checkedAt: number;
  retryAfter?: number;
  /** Seconds. */
  now: number;
  days: number;
}

export function signSession(keyring: Keyring, issuer: string, s: SessionIssue): Promise<string> {
  const ent: Record<string, unknown> = { tiers: [...s.ent.tiers], offers: [...s.ent.offers] };
  if (s.ent.lapsed?.length) ent.lapsed = [...s.ent.lapsed];
  if (s.ent.interval) ent.interval = s.ent.interval;
  const body: Record<string, unknown> = { ent, chk: s.checkedAt };
  if (s.retryAfter !== undefined) body.rty = s.retryAfter;
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
    session: { customer: c.sub, ent: entitlementsOf(c.ent), checkedAt: c.chk, retryAfter: c.rty, issuedAt: c.iat, expiresAt: c.exp },
  };
}

/** Optional claims stay absent rather than `undefined`, so sessions compare and memoise alike. */
function entitlementsOf(ent: z.infer<typeof claims>['ent']): Entitlements {
  return { tiers: ent.tiers, offers: ent.offers, ...(ent.lapsed?.length ? { lapsed: ent.lapsed } : {}), ...(ent.interval ? { interval: ent.interval } : {}) };
}
