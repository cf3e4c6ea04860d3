// Every redirect goes through one function that can only produce a same-site path; Stripe's hosted pages
// are the one explicit exception.

import { describe, expect, it } from 'vitest';
import { redirect, redirectToStripe } from '../../../src/core/http/respond.ts';

const ATTACKS = [
  '//evil.example',
  '//evil.example/tags/',
  '/\\evil.example',
  '\\\\evil.example',
  '/\\/evil.example',
  'https://evil.example/',
  'HTTPS://evil.example/',
  'javascript:alert(1)',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\nLocation: https://evil.example',
  '\t//evil.example',
  ' //evil.example',
  '/./\\evil.example',
  '/..//evil.example',
  '/.//evil.example',
  '/%2e%2e//evil.example',
];

describe('redirect', () => {
  it.each(ATTACKS)('%j stays on the site', (path) => {
    for (const status of [303, 308] as const) {
      const location = redirect(path, {}, status).headers.get('location')!;
      expect(location.startsWith('/')).toBe(true);
      expect(location).not.toMatch(/^[/\\]{2}|^\/[\\]|[\s\\]/);
      expect(new URL(location, 'https://mira.example/a/b').origin).toBe('https://mira.example');
    }
  });

  it('keeps a same-site path, its query and the status', () => {
    const res = redirect('/posts/hello/?x=1', {}, 308);
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/posts/hello/?x=1');
    expect(redirect('/%2F%2Fevil.example/').headers.get('location')).toBe('/%2F%2Fevil.example/');
  });

  it('sends to Stripe only an http(s) URL, explicitly', () => {
    expect(redirectToStripe('https://checkout.stripe.com/c/pay/cs_test_1').headers.get('location')).toBe('https://checkout.stripe.com/c/pay/cs_test_1');
    expect(() => redirectToStripe('javascript:alert(1)')).toThrow(TypeError);
    expect(() => redirectToStripe('https://user:pw@checkout.stripe.com/')).toThrow(TypeError);
    expect(() => redirectToStripe('/relative')).toThrow();
  });
});
