// base64url without padding (jose's, which uses the platform's native codec where there is one) and
// strict UTF-8, for envelopes, ids and cookies. Web-standard: no Buffer.

import { base64url } from 'jose';

export function toBase64Url(bytes: Uint8Array): string {
  return base64url.encode(bytes);
}

/** Each base64url character's 6 bits, 255 for any other character. */
const SEXTET = new Uint8Array(128).fill(255);
for (let i = 0; i < 64; i++) SEXTET['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charCodeAt(i)] = i;

const bad = () => new TypeError('not base64url');

/**
 * Decodes base64url (no padding). Throws TypeError on anything that is not base64url. One pass straight
 * into the bytes: a sealed part of a 100 KB page is 100 KB of base64url, and the platform's atob plus a
 * copy loop cost several times this on the cold path (no string in between, no regular expression).
 */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const length = text.length;
  if (length % 4 === 1) throw bad();
  const out = new Uint8Array((length * 3) >> 2);
  let o = 0;
  let i = 0;
  const sextet = (at: number) => {
    const code = text.charCodeAt(at);
    const bits = code < 128 ? SEXTET[code]! : 255;
    if (bits === 255) throw bad();
    return bits;
  };
  for (const whole = length - (length % 4); i < whole; i += 4) {
    const n = (sextet(i) << 18) | (sextet(i + 1) << 12) | (sextet(i + 2) << 6) | sextet(i + 3);
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (length - i === 2) {
    out[o++] = ((sextet(i) << 2) | (sextet(i + 1) >> 4)) & 255;
  } else if (length - i === 3) {
    const n = (sextet(i) << 10) | (sextet(i + 1) << 4) | (sextet(i + 2) >> 2);
    out[o++] = n >> 8;
    out[o++] = n & 255;
  }
  return out;
}

// One encoder and one strict decoder for the isolate: neither keeps state between whole-buffer calls.
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const utf8 = {
  encode: (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text) as Uint8Array<ArrayBuffer>,
  decode: (bytes: Uint8Array): string => decoder.decode(bytes),
};
