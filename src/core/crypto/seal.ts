// Sealing: AES-256-GCM with a random 96-bit IV, under a key derived for one post (or asset) and tier,
// with AAD that binds the post, the tier and the key id. An envelope moved to another post or tier, made
// with another secret, or changed by one bit does not open.
//
// Text envelope:   tf1.<kid>.<iv b64url>.<ciphertext+tag b64url>
// Binary envelope: "TF1." | kid (8 ASCII bytes) | iv (12 bytes) | ciphertext+tag

import { Errors, TruefansError } from '../errors.ts';
import { fromBase64Url, toBase64Url, utf8 } from './base64url.ts';
import { UnknownKeyIdError, type Keyring } from './keys.ts';

/** What an envelope is bound to. `tier` is an access value: `members`, a tier id, or `offer:<id>`. */
export type SealScope =
  | { kind: 'content'; post: string; tier: string }
  | { kind: 'asset'; id: string; tier: string };

const VERSION = 'tf1';
const IV_BYTES = 12;
const KID_CHARS = 8;
const BINARY_MAGIC = utf8.encode('TF1.');

function label(scope: SealScope) {
  return scope.kind === 'content'
    ? (`content:${JSON.stringify([scope.post, scope.tier])}` as const)
    : (`asset:${JSON.stringify([scope.id, scope.tier])}` as const);
}

function aad(scope: SealScope, kid: string): Uint8Array<ArrayBuffer> {
  const subject = scope.kind === 'content' ? scope.post : scope.id;
  return utf8.encode(JSON.stringify([VERSION, scope.kind, subject, scope.tier, kid]));
}

function openFailed(): TruefansError {
  return new TruefansError(Errors.SealOpenFailed);
}

function malformed(): TruefansError {
  return new TruefansError(Errors.SealMalformed);
}

async function encrypt(keyring: Keyring, scope: SealScope, plaintext: Uint8Array<ArrayBuffer>) {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await keyring.aesKey(label(scope));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(scope, keyring.kid) }, key, plaintext);
  return { iv, ct: new Uint8Array(ct) };
}

async function decrypt(keyring: Keyring, scope: SealScope, kid: string, iv: Uint8Array<ArrayBuffer>, ct: Uint8Array<ArrayBuffer>) {
  let key: CryptoKey;
  try {
    key = await keyring.aesKey(label(scope), kid);
  } catch (error) {
    if (error instanceof UnknownKeyIdError) throw openFailed();
    throw error;
  }
  try {
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad(scope, kid) }, key, ct);
    return new Uint8Array(pt);
  } catch {
    throw openFailed();
  }
}

/** Seals an HTML or text fragment into a text envelope. */
export async function sealText(keyring: Keyring, scope: SealScope, plaintext: string): Promise<string> {
  const { iv, ct } = await encrypt(keyring, scope, utf8.encode(plaintext));
  return `${VERSION}.${keyring.kid}.${toBase64Url(iv)}.${toBase64Url(ct)}`;
}

/** Opens a text envelope. Throws TruefansError TF_SEAL_MALFORMED or TF_SEAL_OPEN_FAILED. */
export async function openText(keyring: Keyring, scope: SealScope, envelope: string): Promise<string> {
  const parts = envelope.trim().split('.');
  if (parts.length !== 4 || parts[0] !== VERSION || parts[1]!.length !== KID_CHARS) throw malformed();
  let iv: Uint8Array<ArrayBuffer>;
  let ct: Uint8Array<ArrayBuffer>;
  try {
    iv = fromBase64Url(parts[2]!);
    ct = fromBase64Url(parts[3]!);
  } catch {
    throw malformed();
  }
  if (iv.length !== IV_BYTES) throw malformed();
  const pt = await decrypt(keyring, scope, parts[1]!, iv, ct);
  try {
    return utf8.decode(pt);
  } catch {
    throw openFailed();
  }
}

/** Seals the bytes of an asset (an image, a download) into a binary envelope. */
export async function sealBytes(keyring: Keyring, scope: SealScope, bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const { iv, ct } = await encrypt(keyring, scope, bytes);
  const kid = utf8.encode(keyring.kid);
  const out = new Uint8Array(BINARY_MAGIC.length + KID_CHARS + IV_BYTES + ct.length);
  out.set(BINARY_MAGIC, 0);
  out.set(kid, BINARY_MAGIC.length);
  out.set(iv, BINARY_MAGIC.length + KID_CHARS);
  out.set(ct, BINARY_MAGIC.length + KID_CHARS + IV_BYTES);
  return out;
}

/** Opens a binary envelope. Throws TruefansError TF_SEAL_MALFORMED or TF_SEAL_OPEN_FAILED. */
export async function openBytes(keyring: Keyring, scope: SealScope, envelope: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const head = BINARY_MAGIC.length + KID_CHARS + IV_BYTES;
  if (envelope.length < head + 16 || BINARY_MAGIC.some((b, i) => envelope[i] !== b)) throw malformed();
  const kid = new TextDecoder().decode(envelope.subarray(BINARY_MAGIC.length, BINARY_MAGIC.length + KID_CHARS));
  const iv = envelope.slice(BINARY_MAGIC.length + KID_CHARS, head);
  const ct = envelope.slice(head);
  return decrypt(keyring, scope, kid, iv, ct);
}
