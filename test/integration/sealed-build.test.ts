// A real Astro build of a fixture site with a unique canary in every kind of members-only place:
// nothing gated may be readable anywhere in the output, and everything sealed must open again.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/core/crypto/keys.ts';
import { openBytes, openText } from '../../src/core/crypto/seal.ts';
import { envelopeOf } from '../../src/core/gate/contract.ts';
import { findMarkers } from '../../src/core/html/markers.ts';
import { manifestSchema, type Manifest } from '../../src/core/manifest.ts';
import { listFiles } from '../../src/integration/output-files.ts';
import { buildSite, ROOT, TEST_SECRET, type BuildResult } from '../helpers/build-site.ts';

const FIXTURE = join(ROOT, 'test/fixtures/canary-site');
const CANARIES = [
  'CANARY-FULL-7c1e',
  'CANARY-DIVIDER-2a9f',
  'CANARY-TIER-91bd',
  'CANARY-HEADING-5e3c',
  'CANARY-CODE-d07a',
  'CANARY-MDX-44f0',
  'CANARY-MDXTIER-b3a8',
  'CANARY-OFFER-FILE-b61d',
];

let build: BuildResult;
let files: string[];
let manifest: Manifest;
const read = (file: string) => readFileSync(join(build.outDir, file));

beforeAll(async () => {
  build = await buildSite({ content: FIXTURE, env: { TRUEFANS_PLATFORMS: 'netlify' } });
  if (build.code !== 0) throw new Error(`fixture build failed:\n${build.output}`);
  files = listFiles(build.outDir);
  manifest = manifestSchema.parse(JSON.parse(read('_truefans/manifest.json').toString()));
}, 180_000);

describe('a real build of the canary fixture', () => {
  it('leaves no canary anywhere in the output, in any encoding a reader could decode', () => {
    const hits: string[] = [];
    for (const file of files) {
      const bytes = read(file);
      const texts = [bytes.toString('utf8'), bytes.toString('latin1'), bytes.toString('utf16le')];
      for (const canary of CANARIES) {
        const lower = canary.toLowerCase();
        if (texts.some((t) => t.includes(canary) || t.toLowerCase().includes(lower))) hits.push(`${file}: ${canary}`);
      }
    }
    expect(hits).toEqual([]);
  });

  it('leaves no canary in the search index either, read decompressed (Pagefind gzips its files)', () => {
    const index = files.filter((f) => /^pagefind\/.*\.pf_[a-z]+$/.test(f));
    expect(index.some((f) => f.endsWith('.pf_fragment'))).toBe(true);
    const text = index.map((f) => gunzipSync(read(f)).toString('utf8').toLowerCase()).join('\n');
    expect(text).toContain('the teaser above the divider is public');
    for (const canary of CANARIES) expect(text, canary).not.toContain(canary.toLowerCase());
  });

  it('leaves no gated image or offer file in the clear', () => {
    const gatedBytes = [readFileSync(join(FIXTURE, 'posts/gated.png')), readFileSync(join(FIXTURE, 'files/stems.txt'))];
    const gatedHashes = new Set(gatedBytes.map((b) => createHash('sha256').update(b).digest('hex')));
    for (const file of files) expect(gatedHashes.has(createHash('sha256').update(read(file)).digest('hex')), file).toBe(false);
    // The only image in the fixture is inside a gate, so no image may remain outside the sealed folder.
    expect(files.filter((f) => /\.(png|webp|jpe?g|avif)$/.test(f))).toEqual([]);
  });

  it('keeps teasers and public parts readable', () => {
    const page = (p: string) => read(`posts/${p}/index.html`).toString();
    expect(page('divider')).toContain('The teaser above the divider is public');
    expect(page('full-members')).toContain('The teaser of the fully gated post is its description.');
    expect(page('blocks')).toContain('This opening paragraph of the MDX post is public');
    expect(page('blocks')).toContain('A public paragraph between the two gated blocks');
    expect(page('public-post')).toContain('This whole post is public');
    expect(page('public-post')).not.toContain('<truefans-gate');
  });

  it('lists every gated page in the manifest with the tiers it needs', () => {
    expect(manifest.pages).toEqual({
      '/posts/blocks/': { post: 'blocks', title: 'MDX with members-only blocks', access: ['members', 'patron'] },
      '/posts/divider/': { post: 'divider', title: 'A post with a divider', access: ['members'] },
      '/posts/full-members/': { post: 'full-members', title: 'Fully gated for members', access: ['members'] },
      '/posts/headings/': { post: 'headings', title: 'Gated headings and code', access: ['members'] },
      '/posts/tier-only/': { post: 'tier-only', title: 'For patrons only', access: ['patron'] },
    });
    expect(manifest.tiers.map((t) => [t.id, t.monthly, t.yearly])).toEqual([
      ['supporter', 500, undefined],
      ['patron', undefined, 7000],
    ]);
  });

  it('seals every gate so that the site secret, and only it, opens it again', async () => {
    const keyring = await createKeyring(TEST_SECRET);
    const opened: string[] = [];
    for (const [path, page] of Object.entries(manifest.pages)) {
      const html = read(`${path.slice(1)}index.html`).toString();
      for (const gate of findMarkers(html, 'truefans-gate')) {
        expect(gate.attrs['data-post']).toBe(page.post);
        const envelope = envelopeOf(gate.inner);
        expect(envelope).toMatch(/^tf2\./);
        opened.push(await openText(keyring, { kind: 'content', post: page.post, tier: gate.attrs['data-tier']! }, envelope!));
      }
    }
    const all = opened.join('\n');
    for (const canary of CANARIES.filter((c) => c !== 'CANARY-OFFER-FILE-b61d')) expect(all).toContain(canary);
    // The gated image now points at the edge function's asset route.
    expect(all).toMatch(/<img [^>]*src="\/_truefans\/asset\/[A-Za-z0-9_-]{22}\/gated\.[A-Za-z0-9_.-]+\.webp"/);
    expect(all).not.toContain("Previewing as a member");
  });

  it('seals gated images and offer files as blobs the edge can open', async () => {
    const keyring = await createKeyring(TEST_SECRET);
    const entries = Object.entries(manifest.assets);
    expect(entries.map(([, a]) => [a.access, a.type, a.post])).toEqual(
      expect.arrayContaining([
        ['members', 'image/webp', 'blocks'],
        ['offer:stems', 'text/plain; charset=utf-8', null],
      ]),
    );
    for (const [id, asset] of entries) {
      const blob = new Uint8Array(read(`_truefans/sealed/${id}.bin`));
      const bytes = await openBytes(keyring, { kind: 'asset', id, tier: asset.access }, blob);
      if (asset.name === 'stems.txt') expect(Buffer.from(bytes).toString()).toContain('CANARY-OFFER-FILE-b61d');
      else expect(Buffer.from(bytes).subarray(0, 4).toString('latin1')).toBe('RIFF');
    }
    expect(manifest.offers).toEqual([{ id: 'stems', name: 'The stems', price: 1200, asset: expect.any(String) }]);
  });

  it('writes a members-feed template whose bodies are sealed, and removes the index it was built from', () => {
    const feed = JSON.parse(read('_truefans/feed.json').toString()) as { items: { post: string; html: string; guid: string }[] };
    expect(feed.items.map((i) => i.post).sort()).toEqual(['blocks', 'divider', 'full-members', 'headings', 'public-post', 'tier-only']);
    const divider = feed.items.find((i) => i.post === 'divider')!;
    expect(divider.guid).toBe('https://canary.example/posts/divider/');
    expect(divider.html).toContain('The teaser above the divider is public');
    expect(divider.html).toMatch(/<truefans-gate data-tier="members" data-post="divider"><template data-truefans-envelope>tf2\./);
    expect(files).not.toContain('truefans-feed.json');
  });

  it('publishes RSS with public posts in full and gated posts as teasers only', () => {
    const rss = read('rss.xml').toString();
    expect(rss).toContain('This whole post is public');
    expect(rss).toContain('The teaser above the divider is public');
    expect(rss).toContain('The teaser of the fully gated post is its description.');
    expect(rss).not.toContain('truefans-gate');
    expect(rss).not.toMatch(/CANARY-/i);
  });

  it('ends by writing the platform function from the sealed output, with no members-only text in it', () => {
    const fn = join(dirname(build.outDir), '.netlify/v1/edge-functions/truefans.js');
    const code = readFileSync(fn, 'utf8');
    expect(code).toContain('/posts/divider/');
    for (const canary of CANARIES) expect(code).not.toContain(canary);
  });

  it('publishes a sitemap, and leaves no staging folder behind', () => {
    expect(read('sitemap-0.xml').toString()).toContain('https://canary.example/posts/divider/');
    expect(readdirSync(dirname(build.outDir)).filter((n) => n.includes('staging'))).toEqual([]);
    expect(build.output).toMatch(/leak check: 0 leaks in \d+ files/);
    expect(existsSync(join(build.outDir, '_truefans/manifest.json'))).toBe(true);
  });
});
