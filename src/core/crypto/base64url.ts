// base64url without padding (jose's, which uses the platform's native codec where there is one) and
// strict UTF-8, for envelopes, ids and cookies. Web-standard: no Buffer.

import { base64url } from 'jose';

export function toBase64Url(bytes: Uint8Array): string {
  return base64url.encode(bytes);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const INVALID = 0x1000;
/** The 12 bits of each pair of base64url characters, indexed by their two 7-bit codes; INVALID for any other pair. */
const PAIRS = new Int16Array(128 * 128).fill(INVALID);
for (let x = 0; x < 64; x++) for (let y = 0; y < 64; y++) PAIRS[(ALPHABET.charCodeAt(x) << 7) | ALPHABET.charCodeAt(y)] = (x << 6) | y;

const bad = () => new TypeError('not base64url');

/**
 * Decodes base64url (no padding). Throws TypeError on anything that is not base64url. One pass straight
 * into the bytes: a sealed part of a 100 KB page is 100 KB of base64url, and the platform's atob plus a
 * copy loop cost about twice this on the cold path. No string in between, no regular expression and no
 * branch per character: two lookups per four characters, and one check at the end (every code and every
 * looked-up value is OR-ed in, so a code above 127 or a pair outside the alphabet leaves a bit set).
 */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const length = text.length;
  const tail = length % 4;
  if (tail === 1) throw bad();
  const out = new Uint8Array((length * 3) >> 2);
  let o = 0;
  let i = 0;
  let codes = 0;
  let bits = 0;
  for (const whole = length - tail; i < whole; i += 4) {
    const a = text.charCodeAt(i);
    const b = text.charCodeAt(i + 1);
    const c = text.charCodeAt(i + 2);
    const d = text.charCodeAt(i + 3);
    const hi = PAIRS[((a << 7) | b) & 16383]!;
    const lo = PAIRS[((c << 7) | d) & 16383]!;
    codes |= a | b | c | d;
    bits |= hi | lo;
    const n = (hi << 12) | lo;
    out[o] = n >> 16;
    out[o + 1] = n >> 8;
    out[o + 2] = n;
    o += 3;
  }
  if (tail) {
    const a = text.charCodeAt(i);
    const b = text.charCodeAt(i + 1);
    const c = tail === 3 ? text.charCodeAt(i + 2) : 65; // 'A': zero bits
    const d = 65;
    const hi = PAIRS[((a << 7) | b) & 16383]!;
    const lo = PAIRS[((c << 7) | d) & 16383]!;
    codes |= a | b | c;
    bits |= hi | lo;
    const n = (hi << 12) | lo;
    out[o] = n >> 16;
    if (tail === 3) out[o + 1] = n >> 8;
  }
  if (codes & ~127 || bits & INVALID) throw bad();
  return out;
}

// One encoder and one strict decoder for the isolate: neither keeps state between whole-buffer calls.
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const utf8 = {
  encode: (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text) as Uint8Array<ArrayBuffer>,
  decode: (bytes: Uint8Array): string => decoder.decode(bytes),
};
