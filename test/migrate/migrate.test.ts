// `npm run migrate` through runMigrate (what scripts/migrate.ts runs), over small exports written like
// Ghost's, Substack's and Patreon's (test/fixtures/migrate), with images from a local HTTP server and
// followers on the Stripe stand-in through the real stripe package: a dry run writes nothing, --write
// writes posts that pass `npm run check` with their access, divider and images, and imports the free
// subscribers through the followers import; nothing is overwritten or lost.

import { createServer, type Server } from 'node:http';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../src/config/load.ts';
import { fetchImage } from '../../src/migrate/images.ts';
import { runMigrate, type MigrateIo } from '../../src/migrate/cli.ts';
import type { StandIn } from '../../tools/stripe-local/index.ts';
import { start } from '../tools/stripe-local/helpers.ts';
import { ROOT, tempDir } from '../helpers/build-site.ts';

const FIXTURES = join(ROOT, 'test/fixtures/migrate');
/** A valid 1x1 PNG. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0d0e1b60000000049454e44ae426082', 'hex');

let server: Server;
let base = '';
let standIn: StandIn;
let stripe: Stripe;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/big.png') {
      // No Content-Length: the size is found while reading.
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.alloc(5000, 1));
    } else if (path.endsWith('.png') && !path.includes('missing')) {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
      res.end(PNG);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  ({ standIn, stripe } = await start());
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  await standIn?.close();
});

const SITE = `title: Harbour
url: https://harbour.example
author: { name: Ada Author }
tiers:
  - { id: supporter, name: Supporter, monthly: 5, also: [prod_GhostSilverFixture] }
  - { id: patron, name: Patron, monthly: 15, also: [prod_GhostGoldFixture] }
`;

let root: string;
let content: string;
let lines: string[];
beforeEach(() => {
  root = tempDir('truefans-migrate-');
  content = join(root, 'content');
  mkdirSync(content, { recursive: true });
  writeFileSync(join(content, 'site.yaml'), SITE);
  lines = [];
});

function io(overrides: Partial<MigrateIo> = {}): MigrateIo {
  return { site: loadSite(content, root), contentDir: content, root, stripe: () => stripe, out: (l) => lines.push(...l.split('\n')), now: () => Date.UTC(2026, 11, 1), ...overrides };
}
const post = (slug: string) => readFileSync(join(content, 'posts', `${slug}.md`), 'utf8');
const follower = async (email: string) => (await stripe.customers.list({ email, limit: 10 })).data.find((c) => c.metadata.truefans_follower === 'yes');
const GHOST = join(FIXTURES, 'ghost-export.json');

describe('npm run migrate -- ghost', () => {
  it('reports what it would do and writes nothing without --write', async () => {
    expect(await runMigrate(['ghost', GHOST, '--url', base], io())).toBe(0);
    expect(existsSync(join(content, 'posts'))).toBe(false);
    expect(lines[0]).toBe(`Ghost export ${GHOST}: 5 post(s), 2 subscriber(s) for followers (2 paid or complimentary left out).`);
    expect(lines).toContain('  would write content/posts/hello-harbour.md (public, 3 image(s))');
    expect(lines).toContain('  would write content/posts/gold-only.md (patron)');
    expect(lines).toContain('  would write content/posts/half-written.md (public, draft)');
    expect(lines.join('\n')).toMatch(/Followers: Read a Ghost export\.\n  1 new follower\(s\) to add, 0 existing customer\(s\) to mark as following/);
    expect(lines.join('\n')).toMatch(/1 post\(s\) were for free members on Ghost/);
    expect(lines.join('\n')).toMatch(/1 Ghost page\(s\) were not imported/);
    expect(lines.join('\n')).toMatch(/1 complimentary member\(s\)/);
    expect(lines.at(-1)).toMatch(/^This was a dry run: nothing was written/);
    expect(await follower('ada.reader@example.com')).toBeUndefined();
  });

  it('writes valid posts with their access, divider and images, and imports the free members as followers', async () => {
    expect(await runMigrate(['ghost', GHOST, '--write', '--url', base], io())).toBe(0);
    expect(readdirSync(join(content, 'posts')).sort()).toEqual(['free-members.md', 'gold-only.md', 'half-written.md', 'hello-harbour', 'hello-harbour.md', 'notes-members', 'notes-members.md']);

    const hello = post('hello-harbour');
    expect(hello).toMatch(/^---\ntitle: Hello from the harbour\ndate: 2026-09-01T08:00:00.000Z\ndescription: Where the new site starts.\ntags:\n  - Harbour\ncover: .\/hello-harbour\/cover.png\ncover_alt: Boats in the harbour\n---\n/);
    expect(hello).toContain('The first post, with a **photo** of the quay.');
    expect(hello).toContain('![The quay at dawn](./hello-harbour/quay.png)');
    expect(readFileSync(join(content, 'posts/hello-harbour/quay.png'))).toEqual(PNG);
    // The image that could not be fetched keeps its address, and the report names it.
    expect(hello).toContain(`![Lost](${base}/content/images/missing.png)`);
    expect(lines).toContain(`  ${base}/content/images/missing.png: HTTP 404 (content/posts/hello-harbour.md)`);
    expect(lines).toContain('Images: 3 downloaded, 1 kept at their old address (the post still shows them from there):');

    const members = post('notes-members');
    expect(members).toContain('access: members');
    expect(members).toMatch(/The public teaser of the members post\.\n\n<!-- members -->\n\nBelow the preview: the paid part, with a chart\.\n\n!\[Chart\]\(\.\/notes-members\/chart\.png\)/);
    expect(post('gold-only')).toContain('access: patron');
    expect(post('free-members')).toMatch(/access: members\n---\nSaved only as Lexical: a paragraph\.\n\n### A heading\n/);
    expect(post('half-written')).toContain('draft: true');
    expect(lines).toContain('npm run check: content/ is valid. Review the posts (teasers, access, images), then build.');

    expect((await follower('ada.reader@example.com'))?.metadata.truefans_imported).toBe('ghost');
    expect(await follower('quiet.reader@example.com')).toBeUndefined();
    expect(await follower('gold.payer@example.com')).toBeUndefined();
    expect(await follower('friend@example.org')).toBeUndefined();
  });

  it('never overwrites: a second run leaves every post as it is and adds no follower', async () => {
    await runMigrate(['ghost', GHOST, '--write', '--url', base], io());
    writeFileSync(join(content, 'posts/gold-only.md'), post('gold-only').replace('Only Gold members', 'Edited by hand: only Gold members'));
    lines = [];
    expect(await runMigrate(['ghost', GHOST, '--write', '--url', base], io())).toBe(0);
    expect(lines).toContain('  exists  content/posts/gold-only.md: already there; left as it is');
    expect(post('gold-only')).toContain('Edited by hand');
    expect(lines.join('\n')).toMatch(/0 new follower\(s\) added, 1 existing customer\(s\) marked as following \(already following: unchanged\)/);
  });

  it('stops at its image cap and keeps the rest at their addresses', async () => {
    await runMigrate(['ghost', GHOST, '--write', '--url', base], io({ limits: { maxBytes: 1_000_000, maxCount: 2, timeoutMs: 5000 } }));
    expect(lines.filter((l) => l.includes('over the limit of 2 images in one run'))).toHaveLength(2);
    // The quay photo, then the missing one (a failed fetch counts too); the cover and the chart are over the cap.
    expect(lines).toContain('Images: 1 downloaded, 3 kept at their old address (the post still shows them from there):');
  });

  it('refuses what is not an export, and a write without a Stripe key, naming the file and the fix', async () => {
    const bad = join(root, 'not.json');
    writeFileSync(bad, 'hello');
    await expect(runMigrate(['ghost', bad], io())).rejects.toThrow(`${bad}: not JSON. Export it from Ghost Admin: Settings → Migration → Export content.`);
    await expect(runMigrate(['substack', bad], io())).rejects.toThrow(`${bad}: not a zip file.`);
    await expect(runMigrate(['ghost', GHOST, '--write'], io({ stripe: () => undefined }))).rejects.toThrow(/STRIPE_SECRET_KEY is not set/);
    expect(existsSync(join(content, 'posts'))).toBe(false);
    expect(await runMigrate(['wordpress', GHOST], io())).toBe(2);
  });
});

describe('npm run migrate -- substack', () => {
  function substackZip(): string {
    const dir = join(FIXTURES, 'substack');
    const files: Record<string, Uint8Array> = {};
    const add = (name: string) => (files[name] = Buffer.from(readFileSync(join(dir, name), 'utf8').replaceAll('IMAGES', base)));
    add('posts.csv');
    add('email_list.harbour.csv');
    for (const f of readdirSync(join(dir, 'posts'))) add(`posts/${f}`);
    const zip = join(root, 'export.zip');
    writeFileSync(zip, zipSync(files));
    return zip;
  }

  it('writes the posts with their audience as access and the paywall as the divider, and imports the email list', async () => {
    const zip = substackZip();
    expect(await runMigrate(['substack', zip, '--write'], io())).toBe(0);
    expect(post('first-letter')).toContain('![The lighthouse](./first-letter/lighthouse.png)');
    expect(post('first-letter')).toContain('description: Hello, readers');
    expect(post('first-letter')).not.toContain('access:');
    expect(post('paid-letter')).toMatch(/access: members\n---\nThe free part of the paid letter, before the paywall\.\n\n<!-- members -->\n\nThe paid part/);
    expect(post('founders')).toContain('access: patron');
    expect(post('unfinished')).toContain('draft: true');
    expect(existsSync(join(content, 'posts/a-podcast.md'))).toBe(false);
    expect(lines.join('\n')).toMatch(/1 post\(s\) in posts\.csv have no HTML file/);
    expect(lines).toContain('npm run check: content/ is valid. Review the posts (teasers, access, images), then build.');
    expect((await follower('first.subscriber@example.com'))?.metadata.truefans_imported).toBe('substack');
    expect(await follower('paying.subscriber@example.com')).toBeDefined();
    expect(await follower('no.email@example.com')).toBeUndefined();
  });
});

describe('npm run migrate -- patreon', () => {
  it('imports the members as followers and says they must subscribe again', async () => {
    const csv = join(root, 'members.csv');
    cpSync(join(FIXTURES, 'patreon-members.csv'), csv);
    expect(await runMigrate(['patreon', csv, '--write'], io())).toBe(0);
    expect((await follower('pat.active@example.com'))?.metadata.truefans_imported).toBe('patreon');
    expect(await follower('fay.former@example.org')).toBeDefined();
    const report = lines.join('\n');
    expect(report).toContain('2 Patreon member(s), 1 of them paying now, become followers.');
    expect(report).toContain('they subscribe again here');
    expect(report).toContain('promotion code');
  });
});

describe('fetchImage', () => {
  it('refuses an image over the size cap while reading it, and anything not http(s) or not an image', async () => {
    const limits = { maxBytes: 1000, maxCount: 10, timeoutMs: 5000 };
    expect(await fetchImage(`${base}/big.png`, limits)).toEqual({ ok: false, why: 'larger than 0 MB' });
    expect(await fetchImage('file:///etc/passwd', limits)).toEqual({ ok: false, why: 'not http(s) (file:)' });
    expect(await fetchImage(`${base}/nothing`, limits)).toEqual({ ok: false, why: 'HTTP 404' });
    expect(await fetchImage(`${base}/fine.png`, limits)).toMatchObject({ ok: true, ext: '.png' });
  });
});
