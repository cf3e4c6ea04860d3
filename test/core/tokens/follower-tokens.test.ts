// The follow confirmation link (two days) and the unsubscribe token (a year, the signature part B imports):
// each verifies its own token, refuses one that is expired, tampered, of another purpose or another secret.

import { describe, expect, it } from 'vitest';
import { createKeyring } from '../../../src/core/crypto/keys.ts';
import { fromBase64Url, toBase64Url } from '../../../src/core/crypto/base64url.ts';
import { FOLLOW_LINK_SECONDS, signFollowLink, verifyFollowLink } from '../../../src/core/tokens/follow.ts';
import { signUnsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from '../../../src/core/tokens/unsubscribe.ts';
import { signMagicLink } from '../../../src/core/tokens/magic-link.ts';
import { NOW, ORIGIN } from '../helpers/handler.ts';
import { OTHER_SECRET, SECRET } from '../helpers/site.ts';

const nowS = Math.floor(NOW / 1000);
const DAY = 86_400_000;

/** The token with one claim of its payload changed, signature kept. */
function tamper(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(new TextDecoder().decode(fromBase64Url(payload!))) as Record<string, unknown>;
  change(claims);
  return `${header}.${toBase64Url(new TextEncoder().encode(JSON.stringify(claims)))}.${signature}`;
}

describe('follow confirmation links', () => {
  it('carry the email in lower case and work for two days, not a second longer', async () => {
    const keys = await createKeyring(SECRET);
    const token = await signFollowLink(keys, ORIGIN, '  Reader@Example.COM ', nowS);
    expect(await verifyFollowLink(keys, ORIGIN, token, NOW)).toEqual({ ok: true, email: 'reader@example.com' });
    expect((await verifyFollowLink(keys, ORIGIN, token, NOW + FOLLOW_LINK_SECONDS * 1000 - 1000)).ok).toBe(true);
    expect(await verifyFollowLink(keys, ORIGIN, token, NOW + FOLLOW_LINK_SECONDS * 1000 + 1000)).toEqual({ ok: false, reason: 'ERR_JWT_EXPIRED' });
  });

  it('refuse a tampered email, another site, another secret and a sign-in link', async () => {
    const keys = await createKeyring(SECRET);
    const token = await signFollowLink(keys, ORIGIN, 'reader@example.com', nowS);
    expect((await verifyFollowLink(keys, ORIGIN, tamper(token, (c) => (c.sub = 'victim@example.com')), NOW)).ok).toBe(false);
    expect((await verifyFollowLink(keys, 'https://other.example', token, NOW)).ok).toBe(false);
    expect((await verifyFollowLink(await createKeyring(OTHER_SECRET), ORIGIN, token, NOW)).ok).toBe(false);
    const signIn = await signMagicLink(keys, ORIGIN, 'reader@example.com', '/', nowS);
    expect((await verifyFollowLink(keys, ORIGIN, signIn, NOW)).ok).toBe(false);
  });
});

describe('unsubscribe tokens', () => {
  it('carry the email in lower case and still work on an email a year old', async () => {
    const keys = await createKeyring(SECRET);
    const token = await signUnsubscribeToken(keys, 'Reader@Example.com', NOW);
    expect(await verifyUnsubscribeToken(keys, token, NOW)).toEqual({ email: 'reader@example.com' });
    expect(await verifyUnsubscribeToken(keys, token, NOW + 365 * DAY)).toEqual({ email: 'reader@example.com' });
    expect(await verifyUnsubscribeToken(keys, token, NOW + 367 * DAY)).toBeUndefined();
  });

  it('refuse a tampered token: another email, a longer life, a cut signature, another secret, a follow link', async () => {
    const keys = await createKeyring(SECRET);
    const token = await signUnsubscribeToken(keys, 'reader@example.com', NOW);
    expect(await verifyUnsubscribeToken(keys, tamper(token, (c) => (c.sub = 'victim@example.com')), NOW)).toBeUndefined();
    expect(await verifyUnsubscribeToken(keys, tamper(token, (c) => (c.exp = (c.exp as number) + 10 * 365 * 86400)), NOW)).toBeUndefined();
    expect(await verifyUnsubscribeToken(keys, token.slice(0, -3), NOW)).toBeUndefined();
    expect(await verifyUnsubscribeToken(await createKeyring(OTHER_SECRET), token, NOW)).toBeUndefined();
    expect(await verifyUnsubscribeToken(keys, await signFollowLink(keys, ORIGIN, 'reader@example.com', nowS), NOW)).toBeUndefined();
  });

  it('still verify after the secret rotates (the old secret given as previous)', async () => {
    const old = await createKeyring(SECRET);
    const token = await signUnsubscribeToken(old, 'reader@example.com', NOW);
    expect(await verifyUnsubscribeToken(await createKeyring(OTHER_SECRET, SECRET), token, NOW + 30 * DAY)).toEqual({ email: 'reader@example.com' });
  });

  it('make the link under /_truefans/unsubscribe with the token in `t`', async () => {
    const keys = await createKeyring(SECRET);
    const token = await signUnsubscribeToken(keys, 'reader@example.com', NOW);
    const url = new URL(unsubscribeUrl(`${ORIGIN}/`, token));
    expect(url.origin + url.pathname).toBe(`${ORIGIN}/_truefans/unsubscribe`);
    expect(url.searchParams.get('t')).toBe(token);
  });
});
