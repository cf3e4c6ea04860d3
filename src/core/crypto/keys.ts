// Every key truefans uses is derived from TRUEFANS_SECRET with HKDF-SHA-256 under its own label, so one
// secret serves content sealing, sessions, sign-in links and feed tokens without any key doing two jobs.
// A previous secret may be given for rotation: new work uses the current key, and the previous one still
// opens what it made. Each secret is known by a short key id (kid) that is safe to publish.

import { toBase64Url, utf8 } from './base64url.ts';
import { validateSecret } from './secret.ts';
import { Errors } from '../errors.ts';

/** The distinct purposes keys are derived for. */
export type KeyLabel =
  | `content:${string}`
  | `content-tier:${string}`
  | `asset:${string}`
  | 'asset-id'
  | 'session'
  | 'magic-link'
  | 'feed'
  | 'follow'
  | 'unsubscribe'
  | 'email-asset'
  | 'gift'
  | 'gift-claim'
  | 'checkout-nonce'
  | 'letters'
  | 'client-id';

const SALT = utf8.encode('truefans/v1');

export interface Keyring {
  /** The key id of the current secret: what new envelopes and tokens are made with. */
  readonly kid: string;
  /** Every key id this keyring can open, current first. */
  readonly kids: readonly string[];
  /** An AES-256-GCM key for `label`, from the secret known by `kid` (default: current). */
  aesKey(label: KeyLabel, kid?: string): Promise<CryptoKey>;
  /** 32 raw bytes for `label` (for HMAC and jose's HS256), from the secret known by `kid`. */
  rawKey(label: KeyLabel, kid?: string): Promise<Uint8Array<ArrayBuffer>>;
  /** An HMAC-SHA-256 key for `label`, from the secret known by `kid`. */
  hmacKey(label: KeyLabel, kid?: string): Promise<CryptoKey>;
}

export class UnknownKeyIdError extends Error {
  readonly code = Errors.UnknownKeyId.code;
  constructor() {
    super(Errors.UnknownKeyId.message());
  }
}

async function hkdfBase(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', utf8.encode(secret), 'HKDF', false, ['deriveBits', 'deriveKey']);
}

function hkdfParams(label: string): HkdfParams {
  return { name: 'HKDF', hash: 'SHA-256', salt: SALT, info: utf8.encode(label) };
}

/** The public id of a secret: 48 bits of HKDF output, enough to tell a handful of secrets apart. */
async function keyId(base: CryptoKey): Promise<string> {
  const bits = await crypto.subtle.deriveBits(hkdfParams('key-id'), base, 48);
  return toBase64Url(new Uint8Array(bits));
}

/**
 * Builds the keyring from the current secret and, optionally, the previous one.
 * Both are validated; an invalid secret throws TruefansError(TF_SECRET_INVALID).
 */
export async function createKeyring(secret: string | undefined, previous?: string): Promise<Keyring> {
  const bases = new Map<string, CryptoKey>();
  const current = await hkdfBase(validateSecret(secret));
  const kid = await keyId(current);
  bases.set(kid, current);
  if (previous?.trim()) {
    const prev = await hkdfBase(validateSecret(previous, 'TRUEFANS_PREVIOUS_SECRET'));
    bases.set(await keyId(prev), prev);
  }
  const cache = new Map<string, Promise<CryptoKey | Uint8Array<ArrayBuffer>>>();

  function base(which: string | undefined): CryptoKey {
    const found = bases.get(which ?? kid);
    if (!found) throw new UnknownKeyIdError();
    return found;
  }
  function cached<T extends CryptoKey | Uint8Array<ArrayBuffer>>(key: string, make: () => Promise<T>): Promise<T> {
    let hit = cache.get(key);
    if (!hit) {
      hit = make();
      cache.set(key, hit);
    }
    return hit as Promise<T>;
  }

  return {
    kid,
    kids: [...bases.keys()],
    aesKey(label, which) {
      const b = base(which);
      return cached(`aes|${which ?? kid}|${label}`, () =>
        crypto.subtle.deriveKey(hkdfParams(label), b, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
      );
    },
    rawKey(label, which) {
      const b = base(which);
      return cached(`raw|${which ?? kid}|${label}`, async () => new Uint8Array(await crypto.subtle.deriveBits(hkdfParams(label), b, 256)));
    },
    hmacKey(label, which) {
      const b = base(which);
      return cached(`hmac|${which ?? kid}|${label}`, () =>
        crypto.subtle.deriveKey(hkdfParams(label), b, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify']),
      );
    },
  };
}
