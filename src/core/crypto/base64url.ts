// base64url without padding (jose's, which uses the platform's native codec where there is one) and
// strict UTF-8, for envelopes, ids and cookies. Web-standard: no Buffer.

import { base64url } from 'jose';

export function toBase64Url(bytes: Uint8Array): string {
  return base64url.encode(bytes);
}

const encoder = new TextEncoder();

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const INVALID = 0x1000;
/** The 12 bits of each pair of base64url characters, indexed by their two 7-bit codes; INVALID for any other pair. */
const PAIRS = new Int16Array(128 * 128).fill(INVALID);
for (let x = 0; x < 64; x++) for (let y = 0; y < 64; y++) PAIRS[(ALPHABET.charCodeAt(x) << 7) | ALPHABET.charCodeAt(y)] = (x << 6) | y;

const bad = () => new TypeError('not base64url');

/**
 * Decodes base64url (no padding). Throws TypeError on anything that is not base64url. The sealed part of
 * a 100 KB page is 100 KB of base64url, usually a slice of the page's text, so this is most of a cold
 * member's request: the text is copied as ASCII into bytes by the platform (encodeInto; any other
 * character makes it write more bytes than characters, and is refused) and decoded in place, two lookups
 * per four characters with no branch: every looked-up value is OR-ed into one word, and a pair outside
 * the alphabet leaves a bit set in it. Reading bytes is about twice as fast as reading a sliced string's
 * characters, and the platform's atob plus a copy loop cost about twice this again. The result is a view
 * of the first three quarters of that one buffer.
 */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const length = text.length;
  const tail = length % 4;
  if (tail === 1) throw bad();
  const buf = new Uint8Array(length);
  const { read, written } = encoder.encodeInto(text, buf);
  if (read !== length || written !== length) throw bad();
  let o = 0;
  let i = 0;
  let bits = 0;
  // In place: each four characters become three bytes at or before where they were read.
  for (const whole = length - tail; i < whole; i += 4) {
    const hi = PAIRS[(buf[i]! << 7) | buf[i + 1]!]!;
    const lo = PAIRS[(buf[i + 2]! << 7) | buf[i + 3]!]!;
    bits |= hi | lo;
    const n = (hi << 12) | lo;
    buf[o] = n >> 16;
    buf[o + 1] = n >> 8;
    buf[o + 2] = n;
    o += 3;
  }
  if (tail) {
    const hi = PAIRS[(buf[i]! << 7) | buf[i + 1]!]!;
    const lo = tail === 3 ? PAIRS[(buf[i + 2]! << 7) | 65]! : 0; // 65, 'A': zero bits
    bits |= hi | lo;
    const n = (hi << 12) | lo;
    buf[o++] = n >> 16;
    if (tail === 3) buf[o++] = n >> 8;
  }
  if (bits & INVALID) throw bad();
  return buf.subarray(0, o);
}

// One strict decoder for the isolate (and the encoder above): neither keeps state between whole-buffer calls.
const decoder = new TextDecoder('utf-8', { fatal: true });

export const utf8 = {
  encode: (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text) as Uint8Array<ArrayBuffer>,
  decode: (bytes: Uint8Array): string => decoder.decode(bytes),
};
