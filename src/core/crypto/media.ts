// Chunked sealing for members-only audio and video, so any byte range opens without opening the rest:
// AES-256-GCM per fixed-size chunk, under the same per-asset key as other sealed files (seal.ts), in the
// spirit of age's STREAM. Each chunk's 96-bit nonce is the file's random 7-byte prefix, the chunk's index
// (32 bits) and a last-chunk flag; each chunk's associated data is the asset, its tier and the whole
// header. So a chunk moved to another index, another file or another build, a header changed by one bit,
// or a file cut short (its last chunk would no longer carry the flag) does not open.
//
// Layout: header | chunk 0 | chunk 1 | ... ; chunk i is its plaintext (chunkSize bytes, the last one
// fewer, possibly none) plus a 16-byte tag. The header, readable without the key so the edge can map a
// byte range to chunks from it alone:
//   "TFM1" | kid (8 ASCII) | chunk size (u32) | plaintext length (u64) | nonce prefix (7) | type length (u8) | type (ASCII)

import { Errors, TruefansError } from '../errors.ts';
import { utf8 } from './base64url.ts';
import { UnknownKeyIdError, type Keyring } from './keys.ts';
import type { SealScope } from './seal.ts';

export const MEDIA_MAGIC = 'TFM1';
/**
 * 256 KiB: big enough that the crypto call costs little (each WebCrypto call in Node costs about 40 us of
 * the main thread besides the cipher: at 64 KiB, decrypting took twice the CPU, bench/media.ts), small
 * enough that a seek reads and opens little more than it sends. Each file's header names its own size, so
 * files sealed with 64 KiB chunks still open.
 */
export const MEDIA_CHUNK_BYTES = 256 * 1024;
export const MEDIA_TAG_BYTES = 16;
const PREFIX_BYTES = 7;
const FIXED_HEADER = 32;
/** The most a header can be: what the edge reads first, before it knows the header's length. */
export const MEDIA_HEADER_MAX = FIXED_HEADER + 255;

type AssetScope = Extract<SealScope, { kind: 'asset' }>;

export interface MediaHeader {
  kid: string;
  chunkSize: number;
  /** Plaintext bytes. */
  length: number;
  type: string;
  noncePrefix: Uint8Array<ArrayBuffer>;
  /** The header as stored (bound into every chunk). */
  bytes: Uint8Array<ArrayBuffer>;
}

const malformed = () => new TruefansError(Errors.SealMalformed);
const openFailed = () => new TruefansError(Errors.SealOpenFailed);

/** How many chunks a file of `length` bytes has: at least one, so an empty file still carries a final chunk. */
export function chunkCount(header: Pick<MediaHeader, 'length' | 'chunkSize'>): number {
  return Math.max(1, Math.ceil(header.length / header.chunkSize));
}

/** Plaintext bytes in chunk `index`. */
export function plainChunkLength(header: Pick<MediaHeader, 'length' | 'chunkSize'>, index: number): number {
  return Math.max(0, Math.min(header.chunkSize, header.length - index * header.chunkSize));
}

/** Where chunk `index` starts in the sealed file. */
export function sealedChunkOffset(header: Pick<MediaHeader, 'bytes' | 'chunkSize'>, index: number): number {
  return header.bytes.length + index * (header.chunkSize + MEDIA_TAG_BYTES);
}

/** The sealed file's size. */
export function sealedMediaLength(header: Pick<MediaHeader, 'bytes' | 'chunkSize' | 'length'>): number {
  const chunks = chunkCount(header);
  return sealedChunkOffset(header, chunks - 1) + plainChunkLength(header, chunks - 1) + MEDIA_TAG_BYTES;
}

function label(scope: AssetScope) {
  return `asset:${JSON.stringify([scope.id, scope.tier])}` as const;
}

function nonce(header: MediaHeader, index: number): Uint8Array<ArrayBuffer> {
  const iv = new Uint8Array(12);
  iv.set(header.noncePrefix, 0);
  new DataView(iv.buffer).setUint32(PREFIX_BYTES, index);
  iv[11] = index === chunkCount(header) - 1 ? 1 : 0;
  return iv;
}

function associatedData(scope: AssetScope, header: MediaHeader): Uint8Array<ArrayBuffer> {
  const subject = utf8.encode(JSON.stringify([MEDIA_MAGIC, scope.id, scope.tier]));
  const out = new Uint8Array(subject.length + header.bytes.length);
  out.set(subject, 0);
  out.set(header.bytes, subject.length);
  return out;
}

/** A new header for `length` bytes of `type`, with a fresh random nonce prefix. */
export function newMediaHeader(kid: string, length: number, type: string, chunkSize = MEDIA_CHUNK_BYTES): MediaHeader {
  const typeBytes = utf8.encode(type);
  if (typeBytes.length > 255 || !/^[\x20-\x7e]*$/.test(type)) throw new TypeError('a media type is at most 255 printable ASCII characters');
  if (!Number.isSafeInteger(length) || length < 0) throw new TypeError('a media length is a whole number of bytes');
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 2 ** 24) throw new TypeError('a chunk size is 1 byte to 16 MiB');
  if (Math.ceil(length / chunkSize) > 2 ** 32) throw new TypeError('too many chunks for a 32-bit index');
  const bytes = new Uint8Array(FIXED_HEADER + typeBytes.length);
  const view = new DataView(bytes.buffer);
  bytes.set(utf8.encode(MEDIA_MAGIC), 0);
  bytes.set(utf8.encode(kid), 4);
  view.setUint32(12, chunkSize);
  view.setUint32(16, Math.floor(length / 2 ** 32));
  view.setUint32(20, length >>> 0);
  const noncePrefix = crypto.getRandomValues(new Uint8Array(PREFIX_BYTES));
  bytes.set(noncePrefix, 24);
  bytes[31] = typeBytes.length;
  bytes.set(typeBytes, FIXED_HEADER);
  return { kid, chunkSize, length, type, noncePrefix, bytes };
}

/** Reads a header from the first bytes of a sealed file (at least the whole header). Throws TF_SEAL_MALFORMED. */
export function parseMediaHeader(start: Uint8Array): MediaHeader {
  if (start.length < FIXED_HEADER || !isSealedMedia(start)) throw malformed();
  const view = new DataView(start.buffer, start.byteOffset, start.byteLength);
  const kid = String.fromCharCode(...start.subarray(4, 12));
  const chunkSize = view.getUint32(12);
  const length = view.getUint32(16) * 2 ** 32 + view.getUint32(20);
  const typeLength = start[31]!;
  if (!chunkSize || chunkSize > 2 ** 24 || !Number.isSafeInteger(length) || start.length < FIXED_HEADER + typeLength) throw malformed();
  const type = String.fromCharCode(...start.subarray(FIXED_HEADER, FIXED_HEADER + typeLength));
  return { kid, chunkSize, length, type, noncePrefix: start.slice(24, 31), bytes: start.slice(0, FIXED_HEADER + typeLength) };
}

/** Is this the start of a chunked media envelope (rather than seal.ts's whole-file one)? */
export function isSealedMedia(start: Uint8Array): boolean {
  return start.length >= 4 && String.fromCharCode(start[0]!, start[1]!, start[2]!, start[3]!) === MEDIA_MAGIC;
}

async function keyFor(keyring: Keyring, scope: AssetScope, kid: string): Promise<CryptoKey> {
  try {
    return await keyring.aesKey(label(scope), kid);
  } catch (error) {
    if (error instanceof UnknownKeyIdError) throw openFailed();
    throw error;
  }
}

/** Seals one chunk's plaintext. */
export async function sealMediaChunk(keyring: Keyring, scope: AssetScope, header: MediaHeader, index: number, plain: Uint8Array<ArrayBuffer>) {
  if (plain.length !== plainChunkLength(header, index)) throw new TypeError(`chunk ${index} must hold ${plainChunkLength(header, index)} bytes`);
  const key = await keyFor(keyring, scope, header.kid);
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce(header, index), additionalData: associatedData(scope, header) }, key, plain);
  return new Uint8Array(sealed);
}

/** Opens one sealed chunk. Throws TF_SEAL_OPEN_FAILED when it was changed, moved, cut, or made with another key. */
export async function openMediaChunk(keyring: Keyring, scope: AssetScope, header: MediaHeader, index: number, sealed: Uint8Array<ArrayBuffer>) {
  if (index >= chunkCount(header) || sealed.length !== plainChunkLength(header, index) + MEDIA_TAG_BYTES) throw openFailed();
  const key = await keyFor(keyring, scope, header.kid);
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce(header, index), additionalData: associatedData(scope, header) }, key, sealed);
    return new Uint8Array(plain);
  } catch {
    throw openFailed();
  }
}

/**
 * Seals a whole file, chunk by chunk, reading its plaintext through `read(offset, length)`: the build
 * never holds more than one chunk of a large recording. Yields the header, then each sealed chunk.
 */
export async function* sealMedia(
  keyring: Keyring,
  scope: AssetScope,
  source: { length: number; type: string; read(offset: number, length: number): Uint8Array<ArrayBuffer> | Promise<Uint8Array<ArrayBuffer>> },
  chunkSize = MEDIA_CHUNK_BYTES,
): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const header = newMediaHeader(keyring.kid, source.length, source.type, chunkSize);
  yield header.bytes;
  const chunks = chunkCount(header);
  // One chunk sealed ahead while the previous one is handed out: WebCrypto runs off the main thread.
  let next = sealMediaChunk(keyring, scope, header, 0, await source.read(0, plainChunkLength(header, 0)));
  for (let i = 0; i < chunks; i++) {
    const current = next;
    if (i + 1 < chunks) next = sealMediaChunk(keyring, scope, header, i + 1, await source.read((i + 1) * chunkSize, plainChunkLength(header, i + 1)));
    yield await current;
  }
}
