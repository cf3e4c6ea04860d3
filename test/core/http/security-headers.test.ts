// The one set of security headers: strict CSP (inline only by hash), frame-ancestors, HSTS on HTTPS only,
// a route's own referrer policy and stricter CSP kept; the build refuses inline code the CSP would block.

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInlineHashes, headersFile } from '../../../src/adapters/headers.ts';
import { fallbackShell } from '../../../src/core/pages/shell.ts';
import { COPY_FEED_SCRIPT } from '../../../src/core/pages/copy-script.ts';
import { CONTENT_SECURITY_POLICY, SCRIPT_HASHES, SEARCH_PAGE_CSP, STYLE_HASHES, withSecurityHeaders } from '../../../src/core/http/security-headers.ts';
import { MEMBER_HINT_SCRIPT } from '../../../src/lib/member-hint-script.ts';

const sha = (s: string) => `sha256-${createHash('sha256').update(s).digest('base64')}`;

describe('security headers', () => {
  it('allows no inline script or style except by hash, and no framing', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/frame-ancestors 'none'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/object-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/base-uri 'none'/);
  });

  it('the fallback page\'s one inline style is allowed by its hash', () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(fallbackShell())![1]!;
    expect(STYLE_HASHES).toContain(sha(style));
  });

  it('the member hint and the account page\'s Copy, the only inline scripts, are allowed by their hashes', () => {
    expect(SCRIPT_HASHES).toEqual([sha(MEMBER_HINT_SCRIPT), sha(COPY_FEED_SCRIPT)]);
  });

  it('adds HSTS on HTTPS only, keeps a route\'s referrer policy, and adds frame-ancestors to a stricter CSP', () => {
    const https = withSecurityHeaders(new Response('x', { headers: { 'referrer-policy': 'no-referrer' } }), new URL('https://mira.example/'));
    expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(https.headers.get('referrer-policy')).toBe('no-referrer');
    expect(https.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const http = withSecurityHeaders(new Response('x'), new URL('http://localhost:4321/'));
    expect(http.headers.get('strict-transport-security')).toBeNull();
    expect(http.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    const sealed = withSecurityHeaders(new Response('x', { headers: { 'content-security-policy': "default-src 'none'; sandbox" } }), new URL('https://mira.example/'));
    expect(sealed.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox; frame-ancestors 'none'");
  });

  it('lets no page but /search/ load a script file, and only /search/ and Pagefind\'s worker compile WebAssembly', () => {
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src( 'sha256-[^';]+')+(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*'self'/);
    expect(SEARCH_PAGE_CSP).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    expect(SEARCH_PAGE_CSP.replace(/script-src[^;]*/, '')).toBe(CONTENT_SECURITY_POLICY.replace(/script-src[^;]*/, ''));
    const csp = (path: string) => withSecurityHeaders(new Response('x'), new URL(`https://mira.example${path}`)).headers.get('content-security-policy');
    expect(csp('/search/')).toBe(SEARCH_PAGE_CSP);
    expect(csp('/search/index.html')).toBe(SEARCH_PAGE_CSP);
    expect(csp('/pagefind/pagefind-worker.js')).toBe(SEARCH_PAGE_CSP);
    for (const path of ['/', '/posts/a/', '/search/x/', '/searchx/', '/posts/pagefind/']) expect(csp(path), path).toBe(CONTENT_SECURITY_POLICY);
    const file = headersFile();
    expect(file).toContain(`/search/\n  Content-Security-Policy: ${SEARCH_PAGE_CSP}\n`);
    expect(file).toContain(`/search/index.html\n  Content-Security-Policy: ${SEARCH_PAGE_CSP}\n`);
    expect(file).toContain(`/pagefind/*\n  Content-Security-Policy: ${SEARCH_PAGE_CSP}\n`);
  });

  it('copies a response whose headers are immutable (a CDN fetch)', async () => {
    const immutable = Response.redirect('https://mira.example/x/', 308);
    const out = withSecurityHeaders(immutable, new URL('https://mira.example/x'));
    expect(out.headers.get('x-frame-options')).toBe('DENY');
    expect(out.status).toBe(308);
  });

  it('writes the same set as a _headers file for every path', () => {
    const file = headersFile();
    expect(file).toMatch(/^\/\*$/m);
    expect(file).toContain(`  Content-Security-Policy: ${CONTENT_SECURITY_POLICY}`);
    expect(file).toContain('  Strict-Transport-Security: max-age=31536000');
  });
});

describe('checkInlineHashes', () => {
  function dist(html: string) {
    const dir = mkdtempSync(path.join(tmpdir(), 'truefans-csp-'));
    writeFileSync(path.join(dir, 'index.html'), html);
    return dir;
  }
  it('passes pages with only external scripts, data blocks and hashed styles', async () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(fallbackShell())![1]!;
    const dir = dist(`<script type="module" src="/_astro/a.js"></script><script type="application/ld+json">{}</script><style>${style}</style>`);
    await expect(checkInlineHashes(dir)).resolves.toBeUndefined();
    rmSync(dir, { recursive: true });
  });
  it('fails, naming the file and the hash to add, on an inline script or style', async () => {
    const dir = dist('<p>x</p><script>alert(1)</script><style>p{}</style>');
    const error = await checkInlineHashes(dir).catch((e: Error) => e);
    expect(String((error as Error).message)).toContain(`index.html: an inline <script> (add '${sha('alert(1)')}' to SCRIPT_HASHES)`);
    expect(String((error as Error).message)).toContain(`index.html: an inline <style> (add '${sha('p{}')}' to STYLE_HASHES)`);
    rmSync(dir, { recursive: true });
  });
});
