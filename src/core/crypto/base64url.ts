// base64url without padding (jose's, which uses the platform's native codec where there is one) and
// strict UTF-8, for envelopes, ids and cookies. Web-standard: no Buffer.

import { base64url } from 'jose';

export function toBase64Url(bytes: Uint8Array): string {
  return base64url.encode(bytes);
}

/** Decodes base64url. Throws TypeError on anything that is not base64url. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new TypeError('not base64url');
  return base64url.decode(text) as Uint8Array<ArrayBuffer>;
}

export const utf8 = {
  encode: (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text),
  decode: (bytes: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(bytes),
};
