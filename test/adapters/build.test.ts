// emitPlatformFiles on a sealed site: what each platform gets, that only gated pages and the function's
// routes reach a function, that nothing it writes holds members-only text, and that every bundle is within
// its platform's documented size limit.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIZE_LIMITS } from '../../src/adapters/bundle.ts';
import type { TruefansError } from '../../src/core/errors.ts';
import { emitPlatformFiles, platformsFromEnv } from '../../src/adapters/build.ts';
import { fixtureSite, type Site } from './support/site.ts';

let site: Site;
const read = (file: string) => readFileSync(path.join(site.root, file), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

beforeAll(async () => {
  site = await fixtureSite();
}, 60_000);

afterAll(() => site?.cleanup());

describe('emitPlatformFiles', () => {
  it('keeps every bundle within its platform\'s documented size limit', () => {
    expect(site.bundles.map((b) => b.platform).sort()).toEqual(['cloudflare', 'netlify', 'vercel']);
    for (const bundle of site.bundles) {
      expect(bundle.gzipBytes, `${bundle.platform}: ${bundle.gzipBytes} bytes gzip`).toBeLessThanOrEqual(SIZE_LIMITS[bundle.platform].gzipBytes);
      expect(statSync(bundle.file).size).toBe(bundle.bytes);
    }
  });

  it('declares the Netlify function on gated pages and its own routes only, not on the static files under /_truefans/', async () => {
    const mod = await import(pathToFileURL(path.join(site.root, '.netlify/v1/edge-functions/truefans.js')).href);
    expect(typeof mod.default).toBe('function');
    expect(mod.config).toEqual({
      path: [
        '/_truefans/*',
        '/posts/album-notes/',
        '/posts/album-notes/index.html',
        '/posts/patrons-only/',
        '/posts/patrons-only/index.html',
        '/posts/winter-tour/',
        '/posts/winter-tour/index.html',
        '/membership/',
        '/membership/index.html',
      ],
      excludedPath: ['/_truefans/manifest.json', '/_truefans/feed.json', '/_truefans/sealed/*'],
    });
  });

  it('writes a Wrangler config that runs the Worker first on gated pages and function routes, and redirects Wrangler to it', () => {
    const config = JSON.parse(read('.truefans/cloudflare/wrangler.json'));
    expect(config.main).toBe('worker.js');
    expect(config.no_bundle).toBe(true);
    expect(path.resolve(site.root, '.truefans/cloudflare', config.assets.directory)).toBe(site.dist);
    expect(config.assets).toMatchObject({ binding: 'ASSETS', not_found_handling: '404-page', html_handling: 'auto-trailing-slash' });
    expect(config.assets.run_worker_first).toEqual([
      '/_truefans/*',
      '!/_truefans/manifest.json',
      '!/_truefans/feed.json',
      '!/_truefans/sealed/*',
      '/posts/album-notes/',
      '/posts/album-notes/index.html',
      '/posts/patrons-only/',
      '/posts/patrons-only/index.html',
      '/posts/winter-tour/',
      '/posts/winter-tour/index.html',
      '/membership/',
      '/membership/index.html',
      // The search page and Pagefind's worker, so the core sends the search policy alone.
      '/search/',
      '/search/index.html',
      '/pagefind/pagefind-worker.js',
    ]);
    const redirect = JSON.parse(read('.wrangler/deploy/config.json'));
    expect(path.resolve(site.root, '.wrangler/deploy', redirect.configPath)).toBe(path.join(site.root, '.truefans/cloudflare/wrangler.json'));
  });

  it('moves gated pages off their own paths in the Vercel output, still sealed, and routes them to the function', () => {
    const out = path.join(site.root, '.vercel/output');
    expect(existsSync(path.join(out, 'static/posts/winter-tour/index.html'))).toBe(false);
    const moved = readFileSync(path.join(out, 'static/_truefans/pages/posts/winter-tour/index.html'), 'utf8');
    expect(moved).toContain(site.gated.teaser);
    expect(existsSync(path.join(out, 'static/posts/hello/index.html'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'functions/_truefans/edge.func/.vc-config.json'), 'utf8'))).toEqual({ runtime: 'edge', entrypoint: 'index.js' });
    const { version, routes } = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(version).toBe(3);
    // First the security headers for every answer (continue: true), then the static files.
    expect(routes[0]).toMatchObject({ src: '^/.*$', continue: true });
    expect(routes[0].headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    // Then the search page's own CSP (the one page that loads script), replacing the header for it alone.
    expect(routes[1]).toMatchObject({ src: '^(?:/search(?:/|/index\\.html)?$|/pagefind/)', continue: true });
    expect(routes[1].headers['content-security-policy']).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
    expect(['/search/', '/search/index.html', '/pagefind/pagefind-worker.js'].every((p) => new RegExp(routes[1].src).test(p))).toBe(true);
    expect(['/', '/searching/', '/posts/search/'].some((p) => new RegExp(routes[1].src).test(p))).toBe(false);
    // A request for /membership/ with the session cookie goes to the function before the static file answers.
    expect(routes[2]).toEqual({ src: '^/membership(?:/|/index\\.html?)?$', has: [{ type: 'cookie', key: '__Host-truefans' }], dest: '/_truefans/edge' });
    expect(routes[3]).toEqual({ handle: 'filesystem' });
    const toFunction = routes.filter((r: { dest?: string; has?: unknown }) => r.dest === '/_truefans/edge' && !r.has).map((r: { src: string }) => new RegExp(r.src, 'i'));
    const reaches = (p: string) => toFunction.some((re: RegExp) => re.test(p));
    for (const p of ['/posts/winter-tour/', '/posts/winter-tour', '/POSTS/Winter-Tour/', '/posts/winter-tour/index.html', '/_truefans/checkout', '/_truefans/asset/img1/photo.png']) {
      expect(reaches(p), p).toBe(true);
    }
    for (const p of ['/posts/hello/', '/', '/_truefans/manifest.json', '/_truefans/sealed/a1.bin', '/_truefans/pages/posts/winter-tour/index.html']) {
      expect(reaches(p), p).toBe(false);
    }
  });

  it('writes no members-only text anywhere', () => {
    const written = [...filesUnder(path.join(site.root, '.vercel')), ...filesUnder(path.join(site.root, '.netlify')), ...filesUnder(path.join(site.root, '.truefans'))];
    expect(written.length).toBeGreaterThan(5);
    for (const file of written) {
      const text = readFileSync(file, 'latin1');
      for (const secret of site.secrets) expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  });

  it('builds the Cloudflare config on the creator\'s wrangler.jsonc: name, compatibility date and KV binding kept', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'truefans-wrangler-'));
    try {
      writeFileSync(
        path.join(root, 'wrangler.jsonc'),
        `{
  // the creator's settings
  "name": "mira-lune",
  "compatibility_date": "2026-11-10",
  "kv_namespaces": [{ "binding": "TRUEFANS_KV", "id": "0123abcd" }],
}`,
      );
      await emitPlatformFiles(site.dist, { root, platforms: ['cloudflare'], log: () => {} });
      const config = JSON.parse(readFileSync(path.join(root, '.truefans/cloudflare/wrangler.json'), 'utf8'));
      expect(config).toMatchObject({ name: 'mira-lune', compatibility_date: '2026-11-10', kv_namespaces: [{ binding: 'TRUEFANS_KV', id: '0123abcd' }], main: 'worker.js' });
      expect(path.resolve(root, '.truefans/cloudflare', config.assets.directory)).toBe(site.dist);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('writes next to dist/ when no root is given, so a build into a temporary folder stays there', async () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'truefans-elsewhere-'));
    try {
      const dist = path.join(elsewhere, 'dist');
      mkdirSync(path.join(dist, '_truefans'), { recursive: true });
      writeFileSync(path.join(dist, '_truefans/manifest.json'), JSON.stringify(site.manifest));
      const [netlify] = await emitPlatformFiles(dist, { platforms: ['netlify'], log: () => {} });
      expect(netlify!.file).toBe(path.join(elsewhere, '.netlify/v1/edge-functions/truefans.js'));
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('takes the manifest it is given instead of reading dist/ (the build passes the one the sealing pass returned)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'truefans-given-'));
    try {
      // No manifest file in dist/ at all: a read would fail with TF_MANIFEST_INVALID.
      mkdirSync(path.join(root, 'dist'), { recursive: true });
      const manifest = { ...site.manifest, pages: { '/posts/given/': { post: 'given', title: 'Given', access: ['members'] } } };
      await emitPlatformFiles('dist', { root, platforms: ['netlify'], manifest, log: () => {} });
      const mod = await import(pathToFileURL(path.join(root, '.netlify/v1/edge-functions/truefans.js')).href);
      expect(mod.config.path).toContain('/posts/given/');
      for (const page of Object.keys(site.manifest.pages)) expect(mod.config.path).not.toContain(page);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads which platforms to write from TRUEFANS_PLATFORMS, and refuses a name it does not know', () => {
    expect(platformsFromEnv(undefined)).toEqual(['netlify', 'cloudflare', 'vercel']);
    expect(platformsFromEnv(' Cloudflare , vercel ')).toEqual(['cloudflare', 'vercel']);
    expect(platformsFromEnv('none')).toEqual([]);
    expect(() => platformsFromEnv('netlify,fly')).toThrowErrorMatchingInlineSnapshot(`[TruefansError: TRUEFANS_PLATFORMS has "fly", which is not a platform truefans deploys to.]`);
  });

  it('refuses a missing or foreign manifest and a broken wrangler.jsonc, saying what to do', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'truefans-empty-'));
    try {
      const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable(), (e: TruefansError) => `${e.code}: ${e.describe()}`);
      expect(await failure(emitPlatformFiles('dist', { root: empty, log: () => {} }))).toMatchInlineSnapshot(`
        "TF_MANIFEST_INVALID: dist/_truefans/manifest.json is missing, so the platform files cannot say which pages are gated.
        Run the whole build (npm run build), which writes it, before the platform files."
      `);
      mkdirSync(path.join(empty, 'dist/_truefans'), { recursive: true });
      writeFileSync(path.join(empty, 'dist/_truefans/manifest.json'), '{"version": 2}');
      expect(await failure(emitPlatformFiles('dist', { root: empty, log: () => {} }))).toMatchInlineSnapshot(`
        "TF_MANIFEST_INVALID: dist/_truefans/manifest.json is not a manifest this version of truefans reads.
        Rebuild the site with npm run build."
      `);
      writeFileSync(path.join(empty, 'dist/_truefans/manifest.json'), JSON.stringify(site.manifest));
      writeFileSync(path.join(empty, 'wrangler.jsonc'), '{\n  "name": "mira"\n  "compatibility_date": "2026-11-10"\n}');
      expect(await failure(emitPlatformFiles('dist', { root: empty, platforms: ['cloudflare'], log: () => {} }))).toMatchInlineSnapshot(`
        "TF_PLATFORM_CONFIG_INVALID: wrangler.jsonc: comma expected at line 3.
        Fix it so it is JSON (comments and trailing commas are fine); docs/deploy/cloudflare.md shows the fields truefans reads."
      `);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
