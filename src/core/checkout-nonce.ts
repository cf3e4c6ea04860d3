// Binds a Checkout Session to the browser that started it: a random nonce goes in an HttpOnly cookie, and
// only its HMAC (key label `checkout-nonce`) goes into the session's metadata at Stripe.

import type { Keyring } from './crypto/keys.ts';
import { fromBase64Url, toBase64Url, utf8 } from './crypto/base64url.ts';

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newNonce(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function nonceHash(keyring: Keyring, nonce: string): Promise<string> {
  const key = await keyring.hmacKey('checkout-nonce');
  return `${keyring.kid}.${toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8.encode(nonce))))}`;
}

/** Constant-time check (crypto.subtle.verify) of a nonce against the hash in a session's metadata. */
export async function nonceMatches(keyring: Keyring, nonce: string | undefined, hash: string | undefined): Promise<boolean> {
  if (!nonce || !hash || !NONCE_PATTERN.test(nonce)) return false;
  const [kid, mac] = hash.split('.');
  if (!kid || !mac || !keyring.kids.includes(kid)) return false;
  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = fromBase64Url(mac);
  } catch {
    return false;
  }
  return crypto.subtle.verify('HMAC', await keyring.hmacKey('checkout-nonce', kid), signature, utf8.encode(nonce));
}
