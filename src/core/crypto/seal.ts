// Sealing: AES-256-GCM with a random 96-bit IV, with AAD that binds the post (or asset), the tier and the
// key id. An envelope moved to another post or tier, made with another secret, or changed by one bit does
// not open.
//
// Text envelope:   tf2.<kid>.<iv b64url>.<ciphertext+tag b64url>   (a page's or feed item's sealed part)
// Binary envelope: "TF1." | kid (8 ASCII bytes) | iv (12 bytes) | ciphertext+tag   (a sealed asset)
//
// The key. A binary envelope's is derived for its asset and tier. A text envelope's (tf2) is derived for
// its tier alone, with the post bound by the AAD; tf1, the format before it, had one key per post and tier,
// and still opens. Why one key per tier is as strong here (issue 12):
// - No key ever leaves the build or the function: both derive them from TRUEFANS_SECRET, as non-extractable
//   CryptoKeys, and a fan only ever receives plaintext they may read. Per-post keys isolated nothing from
//   anyone who could not already derive every key from the secret.
// - Splicing stays impossible: a part moved to another post fails GCM's check, since the post is in the
//   AAD; moved to another tier it meets another key and another AAD.
// - GCM's limit with random IVs is 2^32 messages per key (for a 2^-32 chance of an IV repeating). Every
//   build seals each gated part anew: a site of 10,000 posts with three parts each, built 1,000 times,
//   is 2^25 messages under its busiest tier's key.
// - What it buys: a member's first request for a post an isolate has not opened before derived its key
//   first, about 0.09 ms of CPU in Node (a quarter of what the gate costs cold besides the decryption), and
//   the isolate kept one key per post read; now it keeps one per tier.

import { Errors, TruefansError } from '../errors.ts';
import { fromBase64Url, toBase64Url, utf8 } from './base64url.ts';
import { UnknownKeyIdError, type Keyring } from './keys.ts';

/** What an envelope is bound to. `tier` is an access value: `members`, a tier id, or `offer:<id>`. */
export type SealScope =
  | { kind: 'content'; post: string; tier: string }
  | { kind: 'asset'; id: string; tier: string };

/** The text envelope made now, with one key per tier; LEGACY_VERSION (one key per post and tier) still opens. */
const VERSION = 'tf2';
const LEGACY_VERSION = 'tf1';
const IV_BYTES = 12;
const KID_CHARS = 8;
const BINARY_MAGIC = utf8.encode('TF1.');

/** tf2: a text envelope under its tier's key; tf1: a text envelope of the format before, or any binary one. */
type Format = typeof VERSION | typeof LEGACY_VERSION;

function label(scope: SealScope, format: Format) {
  if (scope.kind === 'asset') return `asset:${JSON.stringify([scope.id, scope.tier])}` as const;
  return format === VERSION ? (`content-tier:${JSON.stringify([scope.tier])}` as const) : (`content:${JSON.stringify([scope.post, scope.tier])}` as const);
}

function aad(scope: SealScope, kid: string, format: Format): Uint8Array<ArrayBuffer> {
  const subject = scope.kind === 'content' ? scope.post : scope.id;
  return utf8.encode(JSON.stringify([format, scope.kind, subject, scope.tier, kid]));
}

function openFailed(): TruefansError {
  return new TruefansError(Errors.SealOpenFailed);
}

function malformed(): TruefansError {
  return new TruefansError(Errors.SealMalformed);
}

async function encrypt(keyring: Keyring, scope: SealScope, plaintext: Uint8Array<ArrayBuffer>, format: Format) {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await keyring.aesKey(label(scope, format));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(scope, keyring.kid, format) }, key, plaintext);
  return { iv, ct: new Uint8Array(ct) };
}

async function decrypt(keyring: Keyring, scope: SealScope, kid: string, iv: Uint8Array<ArrayBuffer>, ct: Uint8Array<ArrayBuffer>, format: Format) {
  let key: CryptoKey;
  try {
    key = await keyring.aesKey(label(scope, format), kid);
  } catch (error) {
    if (error instanceof UnknownKeyIdError) throw openFailed();
    throw error;
  }
  try {
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad(scope, kid, format) }, key, ct);
    return new Uint8Array(pt);
  } catch {
    throw openFailed();
  }
}

/** Seals an HTML or text fragment into a text envelope. */
export async function sealText(keyring: Keyring, scope: SealScope, plaintext: string): Promise<string> {
  const { iv, ct } = await encrypt(keyring, scope, utf8.encode(plaintext), VERSION);
  return `${VERSION}.${keyring.kid}.${toBase64Url(iv)}.${toBase64Url(ct)}`;
}

/** Opens a text envelope. Throws TruefansError TF_SEAL_MALFORMED or TF_SEAL_OPEN_FAILED. */
export async function openText(keyring: Keyring, scope: SealScope, envelope: string): Promise<string> {
  const parts = envelope.trim().split('.');
  const format = parts[0];
  if (parts.length !== 4 || (format !== VERSION && format !== LEGACY_VERSION) || parts[1]!.length !== KID_CHARS) throw malformed();
  let iv: Uint8Array<ArrayBuffer>;
  let ct: Uint8Array<ArrayBuffer>;
  try {
    iv = fromBase64Url(parts[2]!);
    ct = fromBase64Url(parts[3]!);
  } catch {
    throw malformed();
  }
  if (iv.length !== IV_BYTES) throw malformed();
  const pt = await decrypt(keyring, scope, parts[1]!, iv, ct, format);
  try {
    return utf8.decode(pt);
  } catch {
    throw openFailed();
  }
}

/** Seals the bytes of an asset (an image, a download) into a binary envelope. */
export async function sealBytes(keyring: Keyring, scope: SealScope, bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const { iv, ct } = await encrypt(keyring, scope, bytes, LEGACY_VERSION);
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
  return decrypt(keyring, scope, kid, iv, ct, LEGACY_VERSION);
}
