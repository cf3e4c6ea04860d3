import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { createKeyring } from '../../../src/core/crypto/keys.ts';
import { toBase64Url } from '../../../src/core/crypto/base64url.ts';
import { MAX_SESSION_CUSTOMERS, SESSION_AUDIENCE, signSession, verifySession } from '../../../src/core/tokens/session.ts';
import { signToken } from '../../../src/core/tokens/jwt.ts';
import { signMagicLink, verifyMagicLink } from '../../../src/core/tokens/magic-link.ts';
import { signFeedToken, verifyFeedToken } from '../../../src/core/tokens/feed.ts';
import { NOW, ORIGIN } from '../helpers/handler.ts';
import { OTHER_SECRET, SECRET } from '../helpers/site.ts';

const nowS = Math.floor(NOW / 1000);
const ent = { tiers: ['patron'], offers: [] };
const claims = { ent, chk: nowS };

async function forge(alg: 'HS256' | 'HS512', key: Uint8Array | CryptoKey, header: Record<string, unknown> = {}, body: Record<string, unknown> = claims, exp: number | null = nowS + 3600) {
  const jwt = new SignJWT(body).setProtectedHeader({ alg, typ: 'JWT', ...header }).setIssuer(ORIGIN).setAudience(SESSION_AUDIENCE).setSubject('cus_123').setIssuedAt(nowS);
  if (exp !== null) jwt.setExpirationTime(exp);
  return jwt.sign(key);
}

describe('session tokens', () => {
  it('accepts its own token and reads the claims back', async () => {
    const keys = await createKeyring(SECRET);
    const token = await signSession(keys, ORIGIN, { customer: 'cus_123', ent, checkedAt: nowS, now: nowS, days: 30 });
    const result = await verifySession(keys, ORIGIN, token, NOW);
    expect(result).toMatchObject({ ok: true, session: { customer: 'cus_123', ent, checkedAt: nowS, expiresAt: nowS + 30 * 86400 } });
    expect(token.length).toBeLessThan(4096);
  });

  it('stays under 4 KB with every tier and many offers', async () => {
    const keys = await createKeyring(SECRET);
    const many = { tiers: ['supporter', 'patron', 'champion'], offers: Array.from({ length: 60 }, (_, i) => `offer-number-${i}`) };
    const token = await signSession(keys, ORIGIN, { customer: 'cus_123', ent: many, checkedAt: nowS, now: nowS, days: 30 });
    expect(`__Host-truefans=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000; Secure`.length).toBeLessThan(4096);
  });

  it('refuses a tampered payload', async () => {
    const keys = await createKeyring(SECRET);
    const token = await signSession(keys, ORIGIN, { customer: 'cus_123', ent: { tiers: ['supporter'], offers: [] }, checkedAt: nowS, now: nowS, days: 30 });
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.ent.tiers = ['patron'];
    const tampered = `${h}.${toBase64Url(new TextEncoder().encode(JSON.stringify(payload)))}.${s}`;
    expect(await verifySession(keys, ORIGIN, tampered, NOW)).toEqual({ ok: false, reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('refuses alg none', async () => {
    const keys = await createKeyring(SECRET);
    const token = new UnsecuredJWT(claims).setIssuer(ORIGIN).setAudience(SESSION_AUDIENCE).setSubject('cus_123').setIssuedAt(nowS).setExpirationTime(nowS + 3600).encode();
    const withKid = token.replace(/^[^.]+/, toBase64Url(new TextEncoder().encode(JSON.stringify({ alg: 'none', kid: keys.kid }))));
    expect((await verifySession(keys, ORIGIN, withKid, NOW)).ok).toBe(false);
    expect((await verifySession(keys, ORIGIN, token, NOW)).ok).toBe(false);
  });

  it('refuses HS512 even with the right key', async () => {
    const keys = await createKeyring(SECRET);
    const token = await forge('HS512', await keys.rawKey('session'), { kid: keys.kid });
    expect(await verifySession(keys, ORIGIN, token, NOW)).toEqual({ ok: false, reason: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });

  it('refuses RS256', async () => {
    const keys = await createKeyring(SECRET);
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: keys.kid }).setIssuer(ORIGIN).setAudience(SESSION_AUDIENCE).setSubject('cus_123').setIssuedAt(nowS).setExpirationTime(nowS + 3600).sign(privateKey);
    expect(await verifySession(keys, ORIGIN, token, NOW)).toEqual({ ok: false, reason: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });

  it('refuses an expired token and one without exp', async () => {
    const keys = await createKeyring(SECRET);
    const key = await keys.rawKey('session');
    expect(await verifySession(keys, ORIGIN, await forge('HS256', key, { kid: keys.kid }, claims, nowS - 1), NOW)).toEqual({ ok: false, reason: 'ERR_JWT_EXPIRED' });
    expect(await verifySession(keys, ORIGIN, await forge('HS256', key, { kid: keys.kid }, claims, null), NOW)).toEqual({ ok: false, reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  });

  it('refuses an unknown key id, a missing one, and another secret\'s key', async () => {
    const keys = await createKeyring(SECRET);
    const key = await keys.rawKey('session');
    expect(await verifySession(keys, ORIGIN, await forge('HS256', key, { kid: 'AAAAAAAA' }), NOW)).toEqual({ ok: false, reason: 'TF_UNKNOWN_KID' });
    expect(await verifySession(keys, ORIGIN, await forge('HS256', key), NOW)).toEqual({ ok: false, reason: 'TF_UNKNOWN_KID' });
    const other = await createKeyring(OTHER_SECRET);
    const foreign = await signSession(other, ORIGIN, { customer: 'cus_123', ent, checkedAt: nowS, now: nowS, days: 30 });
    expect(await verifySession(keys, ORIGIN, foreign, NOW)).toEqual({ ok: false, reason: 'TF_UNKNOWN_KID' });
  });

  it('refuses a token signed with another purpose\'s key, audience or issuer', async () => {
    const keys = await createKeyring(SECRET);
    const feedKey = await forge('HS256', await keys.rawKey('feed'), { kid: keys.kid });
    expect(await verifySession(keys, ORIGIN, feedKey, NOW)).toEqual({ ok: false, reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    const link = await signMagicLink(keys, ORIGIN, 'fan@example.com', '/', nowS);
    expect((await verifySession(keys, ORIGIN, link, NOW)).ok).toBe(false);
    const token = await signSession(keys, ORIGIN, { customer: 'cus_123', ent, checkedAt: nowS, now: nowS, days: 30 });
    expect(await verifySession(keys, 'https://evil.example', token, NOW)).toEqual({ ok: false, reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  });

  it('keeps sessions across a secret rotation (previous secret still verifies)', async () => {
    const old = await createKeyring(OTHER_SECRET);
    const token = await signSession(old, ORIGIN, { customer: 'cus_123', ent, checkedAt: nowS, now: nowS, days: 30 });
    const rotated = await createKeyring(SECRET, OTHER_SECRET);
    expect((await verifySession(rotated, ORIGIN, token, NOW)).ok).toBe(true);
  });
});

describe('how a session was made', () => {
  it('a checkout session is unverified and carries its one customer; a link session carries the email and its customers', async () => {
    const keys = await createKeyring(SECRET);
    const paid = await verifySession(keys, ORIGIN, await signSession(keys, ORIGIN, { customer: 'cus_A', ent, checkedAt: nowS, now: nowS, days: 30 }), NOW);
    expect(paid).toMatchObject({ ok: true, session: { customer: 'cus_A', verified: false, email: undefined, customers: ['cus_A'] } });
    const linked = await verifySession(keys, ORIGIN, await signSession(keys, ORIGIN, { customer: 'cus_B', verified: { email: 'fan@example.com', customers: ['cus_A', 'cus_B'] }, ent, checkedAt: nowS, now: nowS, days: 30 }), NOW);
    expect(linked).toMatchObject({ ok: true, session: { customer: 'cus_B', verified: true, email: 'fan@example.com', customers: ['cus_B', 'cus_A'] } });
  });

  it('refuses an unverified token that carries other customers, and a verified one without its email', async () => {
    const keys = await createKeyring(SECRET);
    for (const extra of [{ cus: ['cus_victim'] }, { vrf: 1 }, { eml: 'victim@example.com' }]) {
      const token = await signToken(keys, { ent, chk: nowS, ...extra }, { label: 'session', issuer: ORIGIN, audience: SESSION_AUDIENCE, subject: 'cus_A', issuedAt: nowS, expiresAt: nowS + 3600 });
      expect(await verifySession(keys, ORIGIN, token, NOW)).toEqual({ ok: false, reason: 'TF_SESSION_CLAIMS_INVALID' });
    }
  });

  it('caps the customers a verified cookie carries and stays under 4 KB', async () => {
    const keys = await createKeyring(SECRET);
    const many = Array.from({ length: 60 }, (_, i) => `cus_${'X'.repeat(24)}${String(i).padStart(3, '0')}`);
    const email = `${'a'.repeat(64)}@${'b'.repeat(200)}.example`;
    const tiers = Array.from({ length: 10 }, (_, i) => `tier-${'t'.repeat(40)}-${i}`);
    const token = await signSession(keys, ORIGIN, { customer: many[5]!, verified: { email, customers: many }, ent: { tiers, offers: tiers }, checkedAt: nowS, now: nowS, days: 30 });
    expect(`__Host-truefans=${token}; Path=/; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax`.length).toBeLessThan(4096);
    const read = await verifySession(keys, ORIGIN, token, NOW);
    expect(read.ok && read.session.customers.length).toBe(MAX_SESSION_CUSTOMERS);
    expect(read.ok && read.session.customers[0]).toBe(many[5]);
  });
});

describe('sign-in link tokens', () => {
  it('work for 15 minutes, then not', async () => {
    const keys = await createKeyring(SECRET);
    // The link proves a mailbox, not a customer: its subject is the email, in lower case.
    const token = await signMagicLink(keys, ORIGIN, 'Fan@Example.com', '/posts/x/', nowS);
    expect(await verifyMagicLink(keys, ORIGIN, token, NOW + 14 * 60_000)).toMatchObject({ ok: true, link: { email: 'fan@example.com', returnTo: '/posts/x/' } });
    expect(await verifyMagicLink(keys, ORIGIN, token, NOW + 15 * 60_000 + 1000)).toEqual({ ok: false, reason: 'ERR_JWT_EXPIRED' });
  });

  it('cannot be used as a session and a session cannot be used as a link', async () => {
    const keys = await createKeyring(SECRET);
    const session = await signSession(keys, ORIGIN, { customer: 'cus_123', ent, checkedAt: nowS, now: nowS, days: 30 });
    expect((await verifyMagicLink(keys, ORIGIN, session, NOW)).ok).toBe(false);
  });
});

describe('feed tokens', () => {
  it('never expire, and are revoked by rotating the secret', async () => {
    const old = await createKeyring(OTHER_SECRET);
    const token = await signFeedToken(old, ORIGIN, { customer: 'cus_123' }, nowS);
    expect(await verifyFeedToken(old, ORIGIN, token, NOW + 5 * 365 * 86400_000)).toEqual({ ok: true, owner: { customer: 'cus_123' }, gen: 0 });
    const byEmail = await signFeedToken(old, ORIGIN, { email: 'fan@example.com' }, nowS);
    expect(await verifyFeedToken(old, ORIGIN, byEmail, NOW)).toEqual({ ok: true, owner: { email: 'fan@example.com' }, gen: 0 });
    const rotated = await createKeyring(SECRET, OTHER_SECRET);
    expect(await verifyFeedToken(rotated, ORIGIN, token, NOW)).toEqual({ ok: false, reason: 'TF_UNKNOWN_KID' });
  });
});
