// Site search through a real build of the search fixture: Pagefind's index holds the public text (titles,
// public posts, teasers) and none of the members-only canaries, nor a scheduled post; the leak check
// reads Pagefind's compressed files; /search/ lists everything without scripts and is the only page that
// loads a script file.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { LeakIndex, searchFileText } from '../../src/integration/leak-check.ts';
import { listFiles } from '../../src/integration/output-files.ts';
import { startNodeServer } from '../../src/adapters/node/server.ts';
import { buildSite, ROOT, TEST_SECRET, type BuildResult } from '../helpers/build-site.ts';
import { launchBrowser } from '../e2e/browser.ts';

const FIXTURE = join(ROOT, 'test/fixtures/search-site');
const CANARIES = ['CANARY-SEARCH-DIVIDER-8e21', 'CANARY-SEARCH-WHOLE-3c7d', 'CANARY-SEARCH-MDX-19af', 'SCHEDULEDWORD5b2e'];

let build: BuildResult;
let files: string[];
/** Every Pagefind data file, decompressed, joined. */
let indexText: string;

beforeAll(async () => {
  build = await buildSite({ content: FIXTURE, env: { TRUEFANS_NOW: '2026-12-01T09:00:00Z' } });
  if (build.code !== 0) throw new Error(`fixture build failed:\n${build.output}`);
  files = listFiles(build.outDir);
  indexText = files
    .filter((f) => /^pagefind\/.*\.pf_[a-z]+$/.test(f))
    .map((f) => gunzipSync(readFileSync(join(build.outDir, f))).toString('utf8'))
    .join('\n')
    .toLowerCase();
}, 180_000);

describe('the search index', () => {
  it('is written by the build, with the UI, and counted in its log', () => {
    for (const f of ['pagefind/pagefind.js', 'pagefind/pagefind-ui.js', 'pagefind/pagefind-ui.css']) expect(files).toContain(f);
    expect(files.some((f) => f.endsWith('.pf_fragment'))).toBe(true);
    // The four published posts; not the lists, the forms, the scheduled post or the function's shell.
    expect(build.output).toMatch(/search: 4 page\(s\) indexed/);
    expect(indexText).not.toContain('new posts by email');
  });

  it('holds titles, public text and teasers', () => {
    expect(indexText).toContain('the lighthouse keeper trims the wick every evening');
    expect(indexText).toContain('fog rolls in from the sound before dawn');
    expect(indexText).toContain('the tide tables, for patrons');
    expect(indexText).toContain('the bowline is public');
    expect(indexText).toContain("the patrons' tide tables");
  });

  it('holds no members-only text, no paywall and no scheduled post, compressed or not', () => {
    for (const canary of CANARIES) expect(indexText, canary).not.toContain(canary.toLowerCase());
    expect(indexText).not.toContain('regatta');
    expect(indexText).not.toMatch(/tf[12]\./);
    const hits: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(build.outDir, file)).toString('latin1').toLowerCase();
      for (const canary of CANARIES) if (text.includes(canary.toLowerCase())) hits.push(`${file}: ${canary}`);
    }
    expect(hits).toEqual([]);
  });
});

describe('the leak check over Pagefind files', () => {
  it('reads a compressed fragment and finds members-only text in it', () => {
    const leaks = new LeakIndex();
    const gated = 'Members only below the divider: the long splice hides in this sentence of the tail, word for word.';
    leaks.addText('divider', `<p>${gated}</p>`);
    const fragment = gzipSync(Buffer.from(`pagefind_dcd{"url":"/posts/divider/","content":"${gated}"}`));
    expect(leaks.scanBytes('pagefind/fragment/en_1.pf_fragment', fragment)).toEqual([]);
    const text = searchFileText('pagefind/fragment/en_1.pf_fragment', fragment);
    expect(leaks.scanText('pagefind/fragment/en_1.pf_fragment', text!).map((l) => l.post)).toEqual(['divider']);
    expect(searchFileText('posts/divider/index.html', fragment)).toBeUndefined();
  });
});

describe('/search/', () => {
  it('lists every published post and its teaser without scripts', () => {
    const page = readFileSync(join(build.outDir, 'search/index.html'), 'utf8');
    for (const title of ['The lighthouse keeper', 'Fog on the breakwater', 'The patrons&#39; tide tables', 'Ropes and knots']) expect(page).toContain(title);
    expect(page).toContain('Knots in the open, a splice for members.');
    expect(page).not.toContain('regatta');
    for (const canary of CANARIES) expect(page).not.toContain(canary);
  });

  it('is the only page that loads a script file', () => {
    const loading = files.filter((f) => f.endsWith('.html') && /<script\b[^>]*\bsrc=/i.test(readFileSync(join(build.outDir, f), 'utf8')));
    expect(loading).toEqual(['search/index.html']);
  });
});

describe('/search/ in a browser, served by the Node server with the real headers', () => {
  it('searches with Pagefind\'s UI under the page\'s CSP, and lists everything with scripts off', async () => {
    const server = await startNodeServer({ distDir: build.outDir, port: 0, host: '127.0.0.1', env: { TRUEFANS_SECRET: TEST_SECRET, STRIPE_SECRET_KEY: 'sk_test_search', SITE_URL: 'http://127.0.0.1' } });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(`${server.url}/search/?q=lighthouse`);
      const link = page.locator('.pagefind-ui__result-link').first();
      await link.waitFor({ timeout: 20_000 });
      expect(await link.getAttribute('href')).toBe('/posts/lighthouse/');
      expect(await page.locator('#search-all').isHidden()).toBe(true);
      await page.fill('.pagefind-ui__search-input', 'tide');
      await page.locator('.pagefind-ui__result-link', { hasText: "The patrons' tide tables" }).waitFor({ timeout: 20_000 });
      expect(violations).toEqual([]);

      const noScript = await browser.newContext({ javaScriptEnabled: false });
      const plain = await noScript.newPage();
      await plain.goto(`${server.url}/search/`);
      expect(await plain.locator('#search-all').isVisible()).toBe(true);
      expect(await plain.locator('#search-all a').allTextContents()).toEqual(['Ropes and knots', "The patrons' tide tables", 'Fog on the breakwater', 'The lighthouse keeper']);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 90_000);
});
