// Stripe-looking identifiers: a type prefix and random base62, the lengths Stripe uses in test mode.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomBase62(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out.length === length ? out : out + randomBase62(length - out.length);
}

const LENGTHS: Record<string, number> = {
  cus: 14, prod: 14, si: 14, il: 24, price: 24, sub: 24, in: 24, pi: 24, pm: 24, ch: 24,
  bps: 24, promo: 24, di: 24, evt: 24, req: 14, li: 24,
};

export function newId(prefix: string): string {
  if (prefix === 'cs') return `cs_test_a1${randomBase62(58)}`;
  return `${prefix}_${randomBase62(LENGTHS[prefix] ?? 24)}`;
}

/** Customers get an invoice prefix like Stripe's: eight upper-case hex-ish characters. */
export function invoicePrefix(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}
