// Scheduled posts, through real Astro builds of the search fixture at two frozen clocks (TRUEFANS_NOW):
// a post dated next Tuesday is in no output a week before (pages, lists, tag pages, feeds, sitemap, the
// members-feed template `npm run send` reads), and is in all of them once a build runs on its date.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listFiles } from '../../src/integration/output-files.ts';
import { buildSite, ROOT, type BuildResult } from '../helpers/build-site.ts';

export const SEARCH_FIXTURE = join(ROOT, 'test/fixtures/search-site');
const WORD = 'SCHEDULEDWORD5b2e';

let before: BuildResult;
let after: BuildResult;

beforeAll(async () => {
  // One after the other: builds of one project share its .astro/ folder.
  before = await buildSite({ content: SEARCH_FIXTURE, env: { TRUEFANS_NOW: '2026-12-01T09:00:00Z' } });
  after = await buildSite({ content: SEARCH_FIXTURE, env: { TRUEFANS_NOW: '2026-12-08' } });
  for (const b of [before, after]) if (b.code !== 0) throw new Error(`fixture build failed:\n${b.output}`);
}, 300_000);

const read = (b: BuildResult, file: string) => readFileSync(join(b.outDir, file), 'utf8');

describe('a post dated after the build clock', () => {
  it('is in no file of the output, and the build says when to rebuild', () => {
    expect(existsSync(join(before.outDir, 'posts/next-tuesday/index.html'))).toBe(false);
    expect(existsSync(join(before.outDir, 'tags/regatta/index.html'))).toBe(false);
    const holding = listFiles(before.outDir).filter((f) => {
      const text = readFileSync(join(before.outDir, f)).toString('latin1');
      return text.includes(WORD) || text.includes('The regatta next Tuesday') || text.includes('next-tuesday');
    });
    expect(holding).toEqual([]);
    expect(before.output).toContain('1 scheduled post(s) left out until their date; the next is');
    expect(before.output).toContain('next-tuesday.md on 2026-12-08 00:00 UTC: rebuild then to publish it');
  });

  it('appears in the pages, lists, tags, feeds, sitemap and send template from a build on its date', () => {
    expect(read(after, 'posts/next-tuesday/index.html')).toContain(WORD);
    expect(read(after, 'index.html')).toContain('The regatta next Tuesday');
    expect(read(after, 'tags/regatta/index.html')).toContain('/posts/next-tuesday/');
    expect(read(after, 'rss.xml')).toContain(WORD);
    expect(read(after, 'sitemap-0.xml')).toContain('https://harbour.example/posts/next-tuesday/');
    const feed = JSON.parse(read(after, '_truefans/feed.json')) as { items: { post: string }[] };
    expect(feed.items.map((i) => i.post)).toContain('next-tuesday');
    expect(after.output).not.toContain('scheduled post(s)');
  });

  it('leaves the published posts alone', () => {
    const posts = (b: BuildResult) => (JSON.parse(read(b, '_truefans/feed.json')) as { items: { post: string }[] }).items.map((i) => i.post).sort();
    expect(posts(before)).toEqual(['blocks', 'divider', 'lighthouse', 'whole']);
    expect(posts(after)).toEqual(['blocks', 'divider', 'lighthouse', 'next-tuesday', 'whole']);
  });
});
