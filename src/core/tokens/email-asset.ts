// The address of a members-only image in a post email: the asset route's own URL plus a token that carries
// the asset's path, the tier of the email's audience and an expiry (30 days), signed under its own HKDF key.
// One token per audience tier, not per recipient: the email is rendered once per audience, and a reader
// who forwards it has forwarded the members-only text too. It opens only that asset, only while the tier
// opens it, and stops working at `exp`, so no image URL works for everyone forever (README, "Sending posts").

import type { Keyring } from '../crypto/keys.ts';
import { signToken, verifyToken } from './jwt.ts';

export const EMAIL_ASSET_AUDIENCE = 'truefans:email-asset';
/** Fixed like the unsubscribe token's: the send command may not know the deployed origin. */
const ISSUER = 'truefans';
export const EMAIL_ASSET_SECONDS = 30 * 24 * 60 * 60;
/** The query parameter of the asset route that carries the token. */
export const EMAIL_ASSET_PARAM = 'access';

export function signEmailAssetToken(keyring: Keyring, assetPath: string, tier: string, nowMs: number): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  return signToken(keyring, { tier }, {
    label: 'email-asset',
    issuer: ISSUER,
    audience: EMAIL_ASSET_AUDIENCE,
    subject: assetPath,
    issuedAt: now,
    expiresAt: now + EMAIL_ASSET_SECONDS,
  });
}

/** The tier the token was made for, if it is genuine, unexpired and made for `assetPath`; else undefined. */
export async function verifyEmailAssetToken(keyring: Keyring, token: string, assetPath: string, nowMs: number): Promise<{ tier: string } | undefined> {
  const v = await verifyToken(keyring, token, { label: 'email-asset', issuer: ISSUER, audience: EMAIL_ASSET_AUDIENCE, now: nowMs, required: ['exp'] });
  if (!v.ok || v.payload.sub !== assetPath) return undefined;
  const { exp, iat, tier } = v.payload as { exp?: unknown; iat?: unknown; tier?: unknown };
  // A token claiming a longer life than we ever sign is not ours to honour.
  if (typeof exp !== 'number' || typeof iat !== 'number' || exp - iat > EMAIL_ASSET_SECONDS) return undefined;
  if (typeof tier !== 'string' || !tier) return undefined;
  return { tier };
}

export function emailAssetUrl(assetPath: string, token: string): string {
  return `${assetPath}?${EMAIL_ASSET_PARAM}=${encodeURIComponent(token)}`;
}
