// Validates TRUEFANS_SECRET: the one secret the creator keeps. A missing, short or placeholder secret
// is refused with a message that says how to make one; the value itself is never echoed.

import { Errors, TruefansError } from '../errors.ts';

/** 32 random bytes in base64url are 43 characters; hex is 64. Anything shorter cannot hold 32 bytes. */
export const MIN_SECRET_LENGTH = 43;

const PLACEHOLDER = /change[-_ ]?me|placeholder|example|replace|your[-_ ]?secret|todo|^(.)\1+$|^(?:0123456789|abcdef)/i;

export function validateSecret(value: string | undefined, name = 'TRUEFANS_SECRET'): string {
  const secret = value?.trim() ?? '';
  if (!secret) {
    throw new TruefansError(Errors.SecretInvalid, { name, problem: 'missing' });
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new TruefansError(Errors.SecretInvalid, { name, problem: 'short', length: secret.length, minLength: MIN_SECRET_LENGTH });
  }
  // A random 43-character base64url string has about 30 distinct characters; a typed phrase or a
  // repeated pattern has far fewer.
  if (PLACEHOLDER.test(secret) || new Set(secret).size < 16) {
    throw new TruefansError(Errors.SecretInvalid, { name, problem: 'placeholder' });
  }
  return secret;
}
