// A site with more gated pages than a platform takes routing rules for: Cloudflare's Wrangler refuses more
// than 100 run_worker_first rules and Vercel counts at most 2,048 routes per deployment. The platform files
// must stay within both and still send every gated page, in every spelling, to the function; proven in
// workerd with Wrangler's own config checks, where a page served past the Worker would show its envelope.

import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitPlatformFiles } from '../../src/adapters/build.ts';
import { gatedPagePatterns, pageSpellings } from '../../src/adapters/built-manifest.ts';
import { RUN_WORKER_FIRST_MAX, runWorkerFirst } from '../../src/adapters/cloudflare/emit.ts';
import { vercelRoutes } from '../../src/adapters/vercel/emit.ts';
import type { Manifest } from '../../src/core/manifest.ts';
import { ENVELOPE_ATTR } from '../../src/core/gate/contract.ts';
import { CONTENT_SECURITY_POLICY, SEARCH_PAGE_CSP } from '../../src/core/http/security-headers.ts';
import { buildFixture, SECRET, TEASER_TEXT } from '../core/helpers/site.ts';
import { startCloudflare } from './runtimes/cloudflare.ts';
import type { Runtime } from './runtimes/runtime.ts';

const MORE = 150;

function withPages(manifest: Manifest, paths: string[]): Manifest {
  const pages = { ...manifest.pages };
  for (const p of paths) pages[p] = { post: 'winter-tour', title: 'Winter tour diary', access: ['members'] };
  return { ...manifest, pages };
}

/** Cloudflare's run_worker_first: a path runs the Worker when a rule matches it and no `!` rule does. */
function runsWorker(rules: string[], pathname: string): boolean {
  const matches = (rule: string) => (rule.endsWith('*') ? pathname.startsWith(rule.slice(0, -1)) : pathname === rule);
  return rules.some((r) => !r.startsWith('!') && matches(r)) && !rules.some((r) => r.startsWith('!') && matches(r.slice(1)));
}

describe('gated pages past the platforms\' routing limits', () => {
  const base = { version: 1, kid: 'k', builtAt: '', site: {}, tiers: [], offers: [], payWhatYouWant: null, pages: {}, assets: {} } as unknown as Manifest;
  const many = withPages(base, [...Array.from({ length: 300 }, (_, i) => `/posts/p${i}/`), '/notes/a/', '/notes/b/', '/about/']);

  it('keeps each page in its spellings while they fit, and folds the fullest folders into one pattern past that', () => {
    const few = withPages(base, ['/posts/a/', '/notes/b/']);
    expect(gatedPagePatterns(few, 10)).toEqual({ patterns: ['/notes/b/', '/notes/b/index.html', '/posts/a/', '/posts/a/index.html'], collapsed: [] });
    const folded = gatedPagePatterns(many, 20);
    expect(folded.collapsed).toEqual(['/posts/']);
    expect(folded.patterns).toEqual(['/posts/*', '/about/', '/about/index.html', '/notes/a/', '/notes/a/index.html', '/notes/b/', '/notes/b/index.html']);
    expect(gatedPagePatterns(many, 3)).toEqual({ patterns: ['/*'], collapsed: ['/'] });
  });

  it('writes at most 100 run_worker_first rules, and every gated page still runs the Worker first', () => {
    const { rules, collapsed } = runWorkerFirst(many);
    expect(rules.length).toBeLessThanOrEqual(RUN_WORKER_FIRST_MAX);
    expect(collapsed).toEqual(['/posts/']);
    for (const page of Object.keys(many.pages)) for (const spelling of pageSpellings(page)) expect(runsWorker(rules, spelling), spelling).toBe(true);
    for (const p of ['/_truefans/checkout', '/membership/']) expect(runsWorker(rules, p), p).toBe(true);
    // Static files stay CDN hits: the manifest, sealed files, and public pages outside a folded folder.
    for (const p of ['/_truefans/manifest.json', '/_truefans/sealed/x.bin', '/notes/public/', '/']) expect(runsWorker(rules, p), p).toBe(false);
  });

  it('sends 10,000 gated pages to the Vercel function in 100 routes, and nothing else', () => {
    const huge = withPages(base, Array.from({ length: 10_000 }, (_, i) => `/posts/p${i}/`));
    const routes = vercelRoutes(huge, true);
    expect(routes.length).toBeLessThan(110);
    const toFunction = routes.filter((r) => r.dest === '/_truefans/edge' && !r.has).map((r) => new RegExp(r.src!, 'i'));
    const reaches = (p: string) => toFunction.some((re) => re.test(p));
    for (const p of ['/posts/p0/', '/posts/p9999', '/POSTS/P5000/index.html', '/posts/p123/index.htm']) expect(reaches(p), p).toBe(true);
    for (const p of ['/posts/p10000/', '/posts/p1/x', '/posts/', '/posts/hello/']) expect(reaches(p), p).toBe(false);
  });
});

describe(`a site with ${MORE} more gated pages, in workerd`, () => {
  let root: string;
  let runtime: Runtime;
  const notes: string[] = [];

  beforeAll(async () => {
    const fixture = await buildFixture();
    root = mkdtempSync(path.join(tmpdir(), 'truefans-many-gated-'));
    const dist = path.join(root, 'dist');
    cpSync(fixture.dir, dist, { recursive: true });
    fixture.cleanup();
    const page = readFileSync(path.join(dist, 'posts/winter-tour/index.html'));
    const paths = Array.from({ length: MORE }, (_, i) => `/posts/more-${i}/`);
    for (const p of paths) {
      mkdirSync(path.join(dist, p), { recursive: true });
      writeFileSync(path.join(dist, p, 'index.html'), page);
    }
    const manifest = withPages(JSON.parse(readFileSync(path.join(dist, '_truefans/manifest.json'), 'utf8')) as Manifest, paths);
    writeFileSync(path.join(dist, '_truefans/manifest.json'), JSON.stringify(manifest));
    // A search page and Pagefind's worker script, as the build writes them.
    mkdirSync(path.join(dist, 'search'), { recursive: true });
    writeFileSync(path.join(dist, 'search/index.html'), '<!doctype html><title>Search</title><p>Search the posts</p>');
    mkdirSync(path.join(dist, 'pagefind'), { recursive: true });
    writeFileSync(path.join(dist, 'pagefind/pagefind-worker.js'), 'self.onmessage = () => {};');
    await emitPlatformFiles('dist', { root, platforms: ['cloudflare'], log: (line) => notes.push(line) });
    runtime = await startCloudflare({ root, dist }, { TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_truefans_local', STRIPE_API_BASE: 'http://127.0.0.1:9' });
  }, 120_000);

  afterAll(async () => {
    await runtime?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('tells the creator which folder now runs the Worker first', () => {
    expect(notes.join('\n')).toMatch(/cloudflare: Cloudflare allows 100 run_worker_first rules.*every page under \/posts\/\* runs the Worker first/);
  });

  it('gates every added page in the Worker (a visitor gets the teaser without the envelope) and passes public pages through', async () => {
    for (const p of ['/posts/more-0/', `/posts/more-${MORE - 1}/index.html`, '/posts/winter-tour/']) {
      const response = await fetch(`${runtime.url}${p}`);
      const html = await response.text();
      expect(response.status, p).toBe(200);
      expect(html, p).toContain(TEASER_TEXT);
      expect(html, p).not.toContain(ENVELOPE_ATTR);
    }
    const open = await fetch(`${runtime.url}/posts/hello/`);
    expect(open.status).toBe(200);
    expect(await open.text()).toContain('A public post.');
  });

  it('sends the search page and Pagefind\'s worker with the search policy alone (Cloudflare joins every matching _headers rule), and other pages with the site\'s', async () => {
    for (const p of ['/search/', '/pagefind/pagefind-worker.js']) {
      const response = await fetch(`${runtime.url}${p}`);
      expect(response.status, p).toBe(200);
      expect(response.headers.get('content-security-policy'), p).toBe(SEARCH_PAGE_CSP);
    }
    const other = await fetch(`${runtime.url}/posts/hello/`);
    expect(other.headers.get('content-security-policy')).toContain(CONTENT_SECURITY_POLICY.split(';')[1]!.trim());
    expect(other.headers.get('content-security-policy')).not.toContain('wasm-unsafe-eval');
  });
});

describe('files Cloudflare will not take', () => {
  it('names every file over 25 MiB in the build, and not a recording cut in parts to fit', async () => {
    const fixture = await buildFixture();
    const root = mkdtempSync(path.join(tmpdir(), 'truefans-big-files-'));
    try {
      const dist = path.join(root, 'dist');
      cpSync(fixture.dir, dist, { recursive: true });
      mkdirSync(path.join(dist, 'downloads'), { recursive: true });
      writeFileSync(path.join(dist, 'downloads/stems.zip'), Buffer.alloc(25 * 1024 * 1024 + 1));
      writeFileSync(path.join(dist, '_truefans/sealed/long.bin'), Buffer.alloc(24 * 1024 * 1024));
      writeFileSync(path.join(dist, '_truefans/sealed/long.1.bin'), Buffer.alloc(1000));
      const notes: string[] = [];
      await emitPlatformFiles('dist', { root, platforms: ['cloudflare'], log: (line) => notes.push(line) });
      expect(notes.join('\n')).toMatch(/cloudflare: Cloudflare takes no static file over 25 MiB, and wrangler deploy will refuse dist\/downloads\/stems\.zip\. .*deploy to Netlify, Vercel or the Node server/);
      expect(notes.join('\n')).not.toMatch(/long/);
    } finally {
      fixture.cleanup();
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
