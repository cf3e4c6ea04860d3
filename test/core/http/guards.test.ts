import { describe, expect, it } from 'vitest';
import { canonicalPath } from '../../../src/core/http/canonical-path.ts';
import { isSameOrigin } from '../../../src/core/http/origin.ts';
import { safeReturnPath } from '../../../src/core/http/return-to.ts';

describe('canonicalPath', () => {
  it.each([
    '/posts/winter-tour/',
    '/posts/winter-tour',
    '/posts/winter-tour/index.html',
    '/posts/winter-tour/index.htm',
    '/posts/winter-tour.html',
    '/Posts/Winter-Tour/',
    '/POSTS/WINTER-TOUR/INDEX.HTML',
    '//posts//winter-tour//',
    '/posts/./winter-tour/',
    '/posts/x/../winter-tour/',
    '/posts/%77inter-tour/',
    '/posts%2Fwinter-tour/',
    '/posts/winter%2Dtour/',
    '/posts/%2577inter-tour/',
    '/posts\\winter-tour\\',
    '/posts/winter-tour./',
    '/posts/winter-tour/%2e/',
    '/posts/winter-tour/x/%2e%2e/',
  ])('folds %s to the gated page', (variant) => {
    expect(canonicalPath(variant)).toBe('/posts/winter-tour/');
  });

  it('keeps other paths apart', () => {
    expect(canonicalPath('/posts/winter-tour-2/')).toBe('/posts/winter-tour-2/');
    expect(canonicalPath('/')).toBe('/');
    expect(canonicalPath('/../../etc/passwd')).toBe('/etc/passwd/');
    expect(canonicalPath('/bad%E0%A4%A')).toBe('/bad%e0%a4%a/');
  });
});

describe('safeReturnPath', () => {
  it.each([
    ['/posts/winter-tour/', '/posts/winter-tour/'],
    ['/posts/x/?a=1#top', '/posts/x/?a=1#top'],
    ['//evil.example', '/'],
    ['//evil.example/path', '/'],
    ['/\\evil.example', '/'],
    ['\\\\evil.example', '/'],
    ['https://evil.example', '/'],
    ['http://evil.example/posts/', '/'],
    ['javascript:alert(1)', '/'],
    ['JAVASCRIPT:alert(1)', '/'],
    ['/\tevil', '/'],
    ['/\nLocation: https://evil.example', '/'],
    ['/%0d%0aSet-Cookie:x=1', '/%0d%0aSet-Cookie:x=1'],
    [' /posts/', '/'],
    ['', '/'],
    ['posts/relative', '/'],
    ['/./\\evil.example', '/'],
    ['/../..//evil.example', '/'],
    [undefined, '/'],
    [42, '/'],
  ])('%j -> %j', (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  it('keeps return paths short enough for Stripe metadata (500 characters), else falls back to /', () => {
    const long = `/posts/${'a'.repeat(393)}`;
    expect(long.length).toBe(400);
    expect(safeReturnPath(long)).toBe(long);
    expect(safeReturnPath(`${long}b`)).toBe('/');
    // Percent-encoding must not carry it past the limit either.
    expect(safeReturnPath(`/posts/${'é'.repeat(100)}`)).toBe('/');
    expect(safeReturnPath('/posts/x'.padEnd(3000, 'x'))).toBe('/');
  });

  it('never yields something a browser reads as another host', () => {
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/..//evil.example', '/.//evil.example']) {
      const path = safeReturnPath(bad);
      expect(new URL(path, 'https://mira.example').origin).toBe('https://mira.example');
    }
  });
});

describe('isSameOrigin', () => {
  const url = new URL('https://mira.example/_truefans/checkout');
  const post = (headers: Record<string, string>) => new Request(url, { method: 'POST', headers });
  it('allows the site origin and the origin the request arrived at', () => {
    expect(isSameOrigin(post({ origin: 'https://mira.example' }), url, 'https://mira.example')).toBe(true);
    expect(isSameOrigin(post({ origin: 'https://www.mira.example' }), url, 'https://www.mira.example')).toBe(true);
  });
  it('refuses a foreign origin, a look-alike, and null', () => {
    expect(isSameOrigin(post({ origin: 'https://evil.example' }), url, 'https://mira.example')).toBe(false);
    expect(isSameOrigin(post({ origin: 'https://mira.example.evil.example' }), url, 'https://mira.example')).toBe(false);
    expect(isSameOrigin(post({ origin: 'http://mira.example' }), url, 'https://mira.example')).toBe(false);
    expect(isSameOrigin(post({ origin: 'null' }), url, 'https://mira.example')).toBe(false);
    expect(isSameOrigin(post({ origin: 'null', 'sec-fetch-site': 'cross-site' }), url, 'https://mira.example')).toBe(false);
    expect(isSameOrigin(post({ origin: 'null', 'sec-fetch-site': 'same-site' }), url, 'https://mira.example')).toBe(false);
    expect(isSameOrigin(post({ origin: 'null', 'sec-fetch-site': 'none' }), url, 'https://mira.example')).toBe(false);
    expect(isSameOrigin(post({ origin: 'null', referer: 'https://mira.example/' }), url, 'https://mira.example')).toBe(false);
  });
  it('allows Origin: null from its own page (a no-referrer page posting to itself) when Sec-Fetch-Site says same-origin', () => {
    expect(isSameOrigin(post({ origin: 'null', 'sec-fetch-site': 'same-origin' }), url, 'https://mira.example')).toBe(true);
  });
  it('without Origin, decides by Sec-Fetch-Site, then Referer', () => {
    expect(isSameOrigin(post({ 'sec-fetch-site': 'same-origin' }), url, 'https://mira.example')).toBe(true);
    expect(isSameOrigin(post({ 'sec-fetch-site': 'cross-site' }), url, 'https://mira.example')).toBe(false);
    expect(isSameOrigin(post({ 'sec-fetch-site': 'same-site' }), url, 'https://mira.example')).toBe(false);
    expect(isSameOrigin(post({ referer: 'https://mira.example/posts/x/' }), url, 'https://mira.example')).toBe(true);
    expect(isSameOrigin(post({ referer: 'https://evil.example/' }), url, 'https://mira.example')).toBe(false);
    expect(isSameOrigin(post({}), url, 'https://mira.example')).toBe(true);
  });
});
