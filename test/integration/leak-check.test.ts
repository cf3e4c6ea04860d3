// The leak check must catch members-only text and files that end up in the clear, name the file and
// the post, never quote the members-only text, and leave nothing half-published behind.

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSite } from '../../src/config/parse.ts';
import { createKeyring } from '../../src/core/crypto/keys.ts';
import { LeakIndex, normalizedWords } from '../../src/integration/leak-check.ts';
import { sealOutput } from '../../src/integration/seal-output.ts';
import { buildSite, ROOT, tempDir, TEST_SECRET } from '../helpers/build-site.ts';

const FIXTURE = join(ROOT, 'test/fixtures/canary-site');
const GATED = 'The first members-only paragraph holds CANARY-FULL-7c1e and a few more words of gated prose.';

describe('the leak check in a real build', () => {
  it('fails the build when a public description copies members-only text, and publishes nothing', async () => {
    const content = join(tempDir(), 'content');
    cpSync(FIXTURE, content, { recursive: true });
    const post = join(content, 'posts/full-members.md');
    writeFileSync(post, readFileSync(post, 'utf8').replace(/^description: .*$/m, `description: "${GATED}"`));
    const result = await buildSite({ content });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('The leak check found members-only content in the clear');
    expect(result.output).toMatch(/dist\/posts\/full-members\/index\.html: members-only text of post "full-members" is readable here/);
    expect(result.output).not.toContain('CANARY-FULL-7c1e');
    expect(existsSync(result.outDir)).toBe(false);
    expect(readdirSync(dirname(result.outDir)).filter((n) => n.includes('staging'))).toEqual([]);
  }, 120_000);

  it('replaces an existing output on success, and keeps the previous output when a new build fails', async () => {
    const first = await buildSite({ content: FIXTURE });
    expect(first.code).toBe(0);
    const again = await buildSite({ content: FIXTURE, outDir: first.outDir });
    expect(again.output).not.toContain('EINVAL');
    expect(again.code).toBe(0);
    const before = readFileSync(join(first.outDir, '_truefans/manifest.json'), 'utf8');
    const broken = await buildSite({ content: FIXTURE, outDir: first.outDir, env: { TRUEFANS_SECRET: 'change-me' } });
    expect(broken.code).not.toBe(0);
    expect(readFileSync(join(first.outDir, '_truefans/manifest.json'), 'utf8')).toBe(before);
  }, 120_000);
});

describe('the leak check over an output folder', () => {
  async function sealFolder(extra: Record<string, string>, dir = tempDir()) {
    mkdirSync(join(dir, 'posts/a'), { recursive: true });
    writeFileSync(
      join(dir, 'posts/a/index.html'),
      `<html><head><title>A</title></head><body><article data-truefans-post="a" data-truefans-access="members"><truefans-body><truefans-gate><p>${GATED}</p></truefans-gate></truefans-body></article></body></html>`,
    );
    for (const [file, text] of Object.entries(extra)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    const site = parseSite('title: T\nurl: https://t.example\nauthor: { name: A }\n');
    return sealOutput({ dir, displayDir: 'dist', keyring: await createKeyring(TEST_SECRET), site, contentDir: dir });
  }

  it('passes a clean folder', async () => {
    const report = await sealFolder({ 'about/index.html': '<p>An ordinary public page about the creator and her work.</p>' });
    expect(report).toMatchObject({ pages: 1, gates: 1, assets: 0 });
  });

  it('returns the manifest it wrote, with the sealed page in it', async () => {
    const dir = tempDir();
    const report = await sealFolder({}, dir);
    expect(report.manifest.pages).toEqual({ '/posts/a/': { post: 'a', title: 'A', access: ['members'] } });
    expect(JSON.parse(readFileSync(join(dir, '_truefans/manifest.json'), 'utf8'))).toEqual(report.manifest);
  });

  it.each([
    ['search.json', JSON.stringify({ text: `<p>${GATED}</p>` })],
    ['rss.xml', `<rss><item><description>&lt;p&gt;${GATED.replace('members-only', 'members&#x2d;only')}&lt;/p&gt;</description></item></rss>`],
    ['_astro/chunk.js', `export const s = "${GATED.toUpperCase().replace(/ /g, '\\u0020')}";`],
    ['notes/page.html', `<p>${GATED.split(' ').slice(3, 15).join(' <em>')}</p>`],
  ])('fails naming %s when members-only text is planted there', async (file, text) => {
    const error = await sealFolder({ [file]: text }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`dist/${file}: members-only text of post "a" is readable here`);
    expect((error as Error).message).not.toContain('CANARY');
  });
});

describe('LeakIndex', () => {
  it('normalises tags, entities, escapes, case and punctuation', () => {
    expect(normalizedWords('<p>Caf&eacute; &amp; <b>Bar</b>&#8217;s \\u0022Fine\\u0022 Wine!</p>')).toEqual(['café', 'bar', 's', 'fine', 'wine']);
  });

  it('splits words exactly as /[\\p{L}\\p{N}]+/gu does, outside ASCII too', () => {
    // The index hashes words in place instead of matching a regular expression; it must agree with it:
    // astral letters (a surrogate pair), an emoji and a lone surrogate (not letters), combining marks,
    // CJK, Arabic digits, and capitals that lower-case to two code units.
    const text = 'Ünïcode 𝒜𝒷𝒸 naïve cafe\u0301 ✨emoji✨ lone\ud800half 東京 ٣٤٥ İstanbul ǅemal x²y 42nd';
    expect(normalizedWords(text)).toEqual(text.toLowerCase().match(/[\p{L}\p{N}]+/gu));
  });

  it('finds the same words in every post that holds them, and short fragments too', () => {
    const index = new LeakIndex();
    index.addText('first', GATED);
    index.addText('second', `<p>${GATED}</p>`);
    index.addText('short', 'Five members-only words here');
    const found = index.scanText('x', `<div>${GATED}</div>`);
    expect(found.map((l) => l.post).sort()).toEqual(['first', 'second']);
    expect(index.scanText('y', 'and then: five MEMBERS only words, here.').map((l) => l.post)).toEqual(['short']);
    expect(index.scanText('z', 'five members only words there')).toEqual([]);
  });

  it('finds a copy of 11 or more consecutive words, and ignores shorter overlaps', () => {
    const index = new LeakIndex();
    index.addText('p', GATED);
    const words = GATED.split(' ');
    expect(index.scanText('x', `intro ${words.slice(2, 13).join(' ')} outro`)).toHaveLength(1);
    expect(index.scanText('x', `intro ${words.slice(2, 7).join(' ')} outro`)).toHaveLength(0);
  });

  it('skips sealed envelopes but still finds words on both sides of one, wherever the pieces fall', () => {
    const index = new LeakIndex();
    index.addText('p', GATED);
    const words = GATED.split(' ');
    const envelope = '<template data-truefans-envelope>tf1.abc.def.ghi-jkl_mno</template>';
    // Eleven gated words with an envelope after every word: only the envelopes are skipped.
    const interleaved = words.slice(2, 13).map((w) => `${w} ${envelope}`).join('\n');
    expect(index.scanText('feed.json', `{"a":"${interleaved}"}`)).toHaveLength(1);
    expect(index.scanText('feed.json', `${envelope}${words.slice(2, 13).join(' ')}${envelope}`)).toHaveLength(1);
    // Envelopes alone, and five gated words around one, are not a leak.
    expect(index.scanText('feed.json', `${envelope}${envelope}`)).toEqual([]);
    expect(index.scanText('feed.json', `${words.slice(2, 5).join(' ')} ${envelope} ${words.slice(5, 7).join(' ')}`)).toEqual([]);
  });

  it('finds asset bytes whole or embedded in a larger file', () => {
    const index = new LeakIndex();
    const asset = new Uint8Array(10_000).map((_, i) => (i * 7919) % 251);
    index.addAsset('p', 'photo.jpg', asset);
    expect(index.scanBytes('a.jpg', asset)).toEqual([{ file: 'a.jpg', post: 'p', kind: 'asset', asset: 'photo.jpg' }]);
    const wrapped = new Uint8Array(20_000);
    wrapped.set(asset.subarray(4000, 9000), 1234);
    expect(index.scanBytes('b.bin', wrapped)).toHaveLength(1);
    expect(index.scanBytes('c.bin', new Uint8Array(20_000))).toHaveLength(0);
  });
});
