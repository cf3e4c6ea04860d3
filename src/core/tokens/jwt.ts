// Signing and verifying truefans' own JWTs (session cookie, sign-in link, feed URL, follow and unsubscribe
// links). HS256 only, under an HKDF key whose label is the token's purpose, with the key id in the header so
// a rotated secret's tokens still verify. Anything else (another alg, an unknown kid, a missing claim) is
// refused; the reason is a stable code for logs and tests, never the token.

import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import { UnknownKeyIdError, type Keyring } from '../crypto/keys.ts';
import { Errors } from '../errors.ts';

export type TokenLabel = 'session' | 'magic-link' | 'feed' | 'follow' | 'unsubscribe' | 'email-asset' | 'gift' | 'gift-claim';

export interface SignOptions {
  label: TokenLabel;
  issuer: string;
  audience: string;
  subject: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  /** Seconds since the epoch; omitted for tokens that never expire (feed URLs). */
  expiresAt?: number;
  jti?: string;
}

export async function signToken(keyring: Keyring, claims: Record<string, unknown>, options: SignOptions): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: keyring.kid })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(options.subject)
    .setIssuedAt(options.issuedAt);
  if (options.expiresAt !== undefined) jwt.setExpirationTime(options.expiresAt);
  if (options.jti !== undefined) jwt.setJti(options.jti);
  return jwt.sign(await keyring.hmacKey(options.label));
}

export interface VerifyOptions {
  label: TokenLabel;
  issuer: string;
  audience: string;
  /** Milliseconds; the frozen clock in tests. */
  now: number;
  /** Claims that must be present besides iss, aud and sub. */
  required: string[];
  /** Accept only the current secret's kid (feed URLs: rotating the secret revokes them). */
  currentKeyOnly?: boolean;
}

export type Verified = { ok: true; payload: JWTPayload & { sub: string } } | { ok: false; reason: string };

export async function verifyToken(keyring: Keyring, token: string, options: VerifyOptions): Promise<Verified> {
  if (token.length > 8192) return { ok: false, reason: Errors.TokenTooLong.code };
  const allowed = options.currentKeyOnly ? [keyring.kid] : keyring.kids;
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        if (typeof header.kid !== 'string' || !allowed.includes(header.kid)) throw new UnknownKeyIdError();
        return keyring.hmacKey(options.label, header.kid);
      },
      {
        algorithms: ['HS256'],
        issuer: options.issuer,
        audience: options.audience,
        currentDate: new Date(options.now),
        requiredClaims: ['iss', 'aud', 'sub', 'iat', ...options.required],
        typ: 'JWT',
      },
    );
    if (typeof payload.sub !== 'string' || !payload.sub) return { ok: false, reason: Errors.TokenNoSubject.code };
    // A token issued in the future is as suspect as an expired one.
    if (typeof payload.iat !== 'number' || payload.iat > options.now / 1000 + 60) return { ok: false, reason: Errors.TokenFromFuture.code };
    return { ok: true, payload: payload as JWTPayload & { sub: string } };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { ok: false, reason: typeof code === 'string' ? code : Errors.TokenInvalid.code };
  }
}
