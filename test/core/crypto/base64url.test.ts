// The core's own base64url decoder agrees with the platform's on every length and byte, and refuses
// what is not base64url.

import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../../src/core/crypto/base64url.ts';

describe('fromBase64Url', () => {
  it('decodes what toBase64Url and Node encode, at every length up to 300 and at 100 KB', () => {
    for (let n = 0; n <= 300; n++) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 131 + n * 7) & 255);
      const text = toBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(text)).toEqual(bytes);
    }
    const big = new Uint8Array(100_000).map((_, i) => (i * 2654435761) >>> 24);
    expect(fromBase64Url(Buffer.from(big).toString('base64url'))).toEqual(big);
  });

  it('refuses padding, the standard alphabet, whitespace, non-ASCII and impossible lengths', () => {
    for (const text of ['QQ==', 'a+b/', 'QUJD RA', 'QUJDé', 'Q', 'QUJDR', '\u0000AAA', 'QUJ\u0141', 'QU\u0141', '\u0141UJD', 'QUJDRA\u0141']) expect(() => fromBase64Url(text)).toThrow(TypeError);
  });
});
