// The session cookie's token: who the fan is, how that was proven, what they hold, and when Stripe was last
// asked. A sign-in link proves the mailbox: the session is verified, carries the email and every customer
// with it. A checkout completion proves only a payment: the session is unverified and carries that checkout's
// customer alone. Signed, not encrypted: it carries tier and offer ids (public in the manifest), customer ids
// and, when verified, the fan's own email, all readable only by this browser.

import { z } from 'zod';
import type { Entitlements } from '../access.ts';
import type { Keyring } from '../crypto/keys.ts';
import { toBase64Url } from '../crypto/base64url.ts';
import { signToken, verifyToken } from './jwt.ts';
import { Errors } from '../errors.ts';

export const SESSION_AUDIENCE = 'truefans:session';

/** Customer ids a session carries at most, so the cookie stays well under 4 KB (20 x ~30 bytes). */
export const MAX_SESSION_CUSTOMERS = 20;
const CUSTOMER_ID = /^cus_[A-Za-z0-9_]+$/;

export interface Session {
  /** The Stripe customer this browser buys and manages as by default: the checkout's own (unverified), or the verified fan's primary one. */
  customer: string;
  /** True only for a session made by a sign-in link. */
  verified: boolean;
  /** The verified email (lower case); undefined for an unverified session. */
  email: string | undefined;
  /** Every customer whose holdings the session grants: `[customer]` when unverified. */
  customers: string[];
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
  ent: z.object({ tiers: ids, offers: ids, lapsed: ids.optional(), interval: z.enum(['month', 'year']).optional() }),
  chk: z.number().int().nonnegative(),
  rty: z.number().int().nonnegative().optional(),
  iat: z.number(),
  exp: z.number(),
  sub: z.string().regex(CUSTOMER_ID),
  vrf: z.literal(1).optional(),
  eml: z.string().min(3).max(320).optional(),
  cus: z.array(z.string().max(64).regex(CUSTOMER_ID)).max(MAX_SESSION_CUSTOMERS).optional(),
  sid: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/).optional(),
});

export interface SessionIssue {
  customer: string;
  /** Only for a verified session: the email the sign-in link proved, and every customer with it. */
  verified?: { email: string; customers: readonly string[] };
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
  const ent: Record<string, unknown> = { tiers: [...s.ent.tiers], offers: [...s.ent.offers] };
  if (s.ent.lapsed?.length) ent.lapsed = [...s.ent.lapsed];
  if (s.ent.interval) ent.interval = s.ent.interval;
  const body: Record<string, unknown> = { ent, chk: s.checkedAt };
  if (s.retryAfter !== undefined) body.rty = s.retryAfter;
  if (s.verified) {
    body.vrf = 1;
    body.eml = s.verified.email;
    body.cus = [s.customer, ...s.verified.customers.filter((c) => c !== s.customer)].slice(0, MAX_SESSION_CUSTOMERS);
  }
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
  if (!parsed.success) return { ok: false, reason: Errors.SessionClaimsInvalid.code };
  const c = parsed.data;
  // A verified session names its email; an unverified one carries no other customer than its own.
  if ((c.vrf === 1) !== (c.eml !== undefined) || (c.vrf !== 1 && c.cus !== undefined)) return { ok: false, reason: Errors.SessionClaimsInvalid.code };
  const isVerified = c.vrf === 1;
  const customers = isVerified ? [...new Set([c.sub, ...(c.cus ?? [])])] : [c.sub];
  return {
    ok: true,
    session: { customer: c.sub, verified: isVerified, email: c.eml, customers, ent: entitlementsOf(c.ent), checkedAt: c.chk, retryAfter: c.rty, issuedAt: c.iat, expiresAt: c.exp, id: c.sid },
  };
}

/** Optional claims stay absent rather than `undefined`, so sessions compare and memoise alike. */
function entitlementsOf(ent: z.infer<typeof claims>['ent']): Entitlements {
  return { tiers: ent.tiers, offers: ent.offers, ...(ent.lapsed?.length ? { lapsed: ent.lapsed } : {}), ...(ent.interval ? { interval: ent.interval } : {}) };
}
