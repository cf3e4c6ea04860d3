// A real build of a site with recordings (test/fixtures/media-site, recordings made by
// scripts/demo-recording.ts): members-only recordings are sealed in chunks and readable nowhere in the
// output (a video too), the player sits inside the sealed part, the public podcast feed lists members-only episodes as
// teasers, each fan's private feed is a podcast feed whose enclosures stream by byte range for exactly the
// tiers that open them, and the leak check stops a build that publishes a stretch of a members-only file.

import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRssFeed } from 'feedsmith';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoRecording } from '../../scripts/demo-recording.ts';
import { demoVideo } from '../helpers/demo-video.ts';
import { createKeyring } from '../../src/core/crypto/keys.ts';
import { chunkCount, MEDIA_TAG_BYTES, openMediaChunk, parseMediaHeader, plainChunkLength, sealedChunkOffset } from '../../src/core/crypto/media.ts';
import { openText } from '../../src/core/crypto/seal.ts';
import { envelopeOf, GATE_TAG, POST_ATTR, TIER_ATTR } from '../../src/core/gate/contract.ts';
import { findMarkers } from '../../src/core/html/markers.ts';
import { manifestSchema, type Manifest } from '../../src/core/manifest.ts';
import { signFeedToken } from '../../src/core/tokens/feed.ts';
import { listFiles } from '../../src/integration/output-files.ts';
import { makeHandler, NOW, ORIGIN, request } from '../core/helpers/handler.ts';
import { createMemoryBilling } from '../core/helpers/memory-billing.ts';
import { dirAssets, type Fixture } from '../core/helpers/site.ts';
import { buildSite, ROOT, tempDir, TEST_SECRET, type BuildResult } from '../helpers/build-site.ts';

const FIXTURE = join(ROOT, 'test/fixtures/media-site');
const RECORDINGS = {
  'patron-demo.wav': demoRecording(7, 11),
  'divider-demo.wav': demoRecording(4, 22),
  'public-episode.wav': demoRecording(3, 33),
  'members-video.mp4': demoVideo(5, 44),
} as const;
/** Each members-only recording: its type, its length in seconds, and where its header ends. */
const MEMBERS_ONLY = {
  'patron-demo.wav': { type: 'audio/wav', seconds: 7, from: 44 },
  'divider-demo.wav': { type: 'audio/wav', seconds: 4, from: 44 },
  'members-video.mp4': { type: 'video/mp4', seconds: 5, from: 0 },
} as const;

function contentWith(recordings: Record<string, Uint8Array>): string {
  const content = join(tempDir(), 'content');
  cpSync(FIXTURE, content, { recursive: true });
  for (const [name, bytes] of Object.entries(recordings)) writeFileSync(join(content, 'posts', name), bytes);
  return content;
}

let build: BuildResult;
let manifest: Manifest;
const read = (file: string) => readFileSync(join(build.outDir, file));
const assetOf = (name: string) => Object.entries(manifest.assets).find(([, a]) => a.name === name)!;

beforeAll(async () => {
  build = await buildSite({ content: contentWith(RECORDINGS) });
  if (build.code !== 0) throw new Error(`media fixture build failed:\n${build.output}`);
  manifest = manifestSchema.parse(JSON.parse(read('_truefans/manifest.json').toString()));
}, 180_000);

describe('a real build with recordings', () => {
  it('seals members-only recordings in chunks, with their size and length in the manifest, and no stretch of them readable anywhere', async () => {
    for (const [name, expected] of Object.entries(MEMBERS_ONLY) as [keyof typeof MEMBERS_ONLY, (typeof MEMBERS_ONLY)[keyof typeof MEMBERS_ONLY]][]) {
      const [id, asset] = assetOf(name);
      expect(asset).toMatchObject({ type: expected.type, media: { size: RECORDINGS[name].length } });
      expect(asset.media!.seconds).toBeCloseTo(expected.seconds, 1);
      // Every 256-byte stretch at a 4 KiB stride, in every output file (the sealed blobs included).
      const plain = Buffer.from(RECORDINGS[name]);
      for (const file of listFiles(build.outDir)) {
        const bytes = read(file);
        for (let at = expected.from; at + 256 <= plain.length; at += 4096) expect(bytes.includes(plain.subarray(at, at + 256)), `${file} holds bytes ${at}.. of ${name}`).toBe(false);
      }
      // And the blob opens, chunk by chunk, to the recording.
      const keyring = await createKeyring(TEST_SECRET);
      const sealed = read(`_truefans/sealed/${id}.bin`);
      const header = parseMediaHeader(sealed);
      const parts: Uint8Array[] = [];
      for (let i = 0; i < chunkCount(header); i++) {
        const from = sealedChunkOffset(header, i);
        const chunk = Uint8Array.from(sealed.subarray(from, from + plainChunkLength(header, i) + MEDIA_TAG_BYTES));
        parts.push(await openMediaChunk(keyring, { kind: 'asset', id, tier: asset.access }, header, i, chunk));
      }
      expect(Buffer.concat(parts).equals(plain)).toBe(true);
    }
    expect(assetOf('patron-demo.wav')[1].access).toBe('patron');
    expect(assetOf('divider-demo.wav')[1].access).toBe('members');
    expect(assetOf('members-video.mp4')[1].access).toBe('members');
    // The public episode stays a plain static file.
    expect(read('media/public-episode/public-episode.wav').equals(Buffer.from(RECORDINGS['public-episode.wav']))).toBe(true);
    expect(Object.values(manifest.assets).some((a) => a.name === 'public-episode.wav')).toBe(false);
  });

  it('puts the native player, with no script, inside the sealed part of a gated post and in the open on a public one', async () => {
    const publicPage = read('posts/public-episode/index.html').toString();
    expect(publicPage).toMatch(/<audio controls preload="metadata" src="\/media\/public-episode\/public-episode\.wav"/);
    const keyring = await createKeyring(TEST_SECRET);
    for (const [post, name, element] of [['patron-demo', 'patron-demo.wav', 'audio'], ['divider-episode', 'divider-demo.wav', 'audio'], ['video-demo', 'members-video.mp4', 'video']] as const) {
      const html = read(`posts/${post}/index.html`).toString();
      expect(html).not.toMatch(/<audio|<video/);
      const opened: string[] = [];
      for (const gate of findMarkers(html, GATE_TAG)) {
        opened.push(await openText(keyring, { kind: 'content', post: gate.attrs[POST_ATTR]!, tier: gate.attrs[TIER_ATTR]! }, envelopeOf(gate.inner)!));
      }
      const [id] = assetOf(name);
      const player = opened.find((h) => h.includes(`<${element}`));
      expect(player).toMatch(new RegExp(`<${element} controls preload="metadata"${element === 'video' ? ' playsinline' : ''} src="/_truefans/asset/${id}/${name.replace('.', '\\.')}"`));
      expect(player).not.toMatch(/<script/);
    }
  });

  it('publishes /podcast.xml: public episodes with enclosures, members-only ones as teasers with no enclosure or sealed URL', () => {
    const xml = read('podcast.xml').toString();
    const feed = parseRssFeed(xml);
    // Apple Podcasts' required channel tags.
    expect(feed.title).toBe('Media Fixture');
    expect(feed.description).toBeTruthy();
    expect(feed.language).toBe('en');
    expect(feed.itunes?.categories?.[0]?.text).toBe('Music');
    expect(feed.itunes?.explicit).toBe(false);
    expect(feed.itunes?.author).toBe('Ada Reel');
    const byTitle = new Map(feed.items!.map((i) => [i.title, i]));
    const open = byTitle.get('Public episode')!;
    expect(open.enclosures).toEqual([{ url: 'https://media.example/media/public-episode/public-episode.wav', length: RECORDINGS['public-episode.wav'].length, type: 'audio/wav' }]);
    expect(open.guid?.value).toBe('https://media.example/posts/public-episode/');
    expect(open.itunes?.duration).toBe(3);
    for (const title of ['Patron demo', 'Divider episode']) {
      expect(byTitle.get(title)!.enclosures ?? []).toEqual([]);
      expect(byTitle.get(title)!.description).toMatch(/for members/);
    }
    expect(xml).not.toContain('/_truefans/');
    expect(xml).not.toMatch(/MEDIA-CANARY/);
  });

  it('gives each fan a private podcast feed: enclosures their tier opens, signed for them, streaming by range; show notes for their tier', async () => {
    const billing = createMemoryBilling({ now: () => NOW });
    const patron = billing.addCustomer({ email: 'patron@example.com' });
    billing.join(patron, 'patron');
    const supporter = billing.addCustomer({ email: 'supporter@example.com' });
    billing.join(supporter, 'supporter');
    const fixture = { dir: build.outDir, manifest, assets: dirAssets(build.outDir), seen: [], cleanup() {}, write() {} } as Fixture;
    const { handle } = makeHandler(fixture, {}, { billing: billing.factory });
    const keyring = await createKeyring(TEST_SECRET);
    const feedOf = async (customer: string) => {
      const token = await signFeedToken(keyring, ORIGIN, { customer }, Math.floor(NOW / 1000));
      const res = await handle(request(`/_truefans/feed/${token}`));
      expect(res.status).toBe(200);
      const xml = await res.text();
      return { token, xml, feed: parseRssFeed(xml) };
    };

    const p = await feedOf(patron);
    expect(p.feed.itunes?.block).toBe(true);
    expect(p.feed.itunes?.image).toBeUndefined(); // the fixture has no avatar
    expect(p.feed.itunes?.categories?.[0]?.text).toBe('Music');
    const episodes = new Map(p.feed.items!.map((i) => [i.title, i]));
    const demo = episodes.get('Patron demo')!;
    const [demoId] = assetOf('patron-demo.wav');
    expect(demo.enclosures).toEqual([{ url: `${ORIGIN}/_truefans/asset/${demoId}/patron-demo.wav?feed=${encodeURIComponent(p.token)}`, length: RECORDINGS['patron-demo.wav'].length, type: 'audio/wav' }]);
    expect(demo.itunes).toMatchObject({ duration: 7, explicit: true, author: 'Ada Reel' });
    expect(episodes.get('Divider episode')!.enclosures).toHaveLength(1);
    const [videoId] = assetOf('members-video.mp4');
    expect(episodes.get('Video demo')!.enclosures).toEqual([{ url: `${ORIGIN}/_truefans/asset/${videoId}/members-video.mp4?feed=${encodeURIComponent(p.token)}`, length: RECORDINGS['members-video.mp4'].length, type: 'video/mp4' }]);
    expect(episodes.get('Video demo')!.itunes?.duration).toBe(5);
    expect(episodes.get('Public episode')!.enclosures![0]!.url).toBe(`${ORIGIN}/media/public-episode/public-episode.wav`);
    expect(p.xml).toContain('MEDIA-CANARY-PATRON-3f1c');
    expect(p.xml).toContain('MEDIA-CANARY-MEMBERS-8d2b');

    // The enclosure streams as a podcast app asks for it: a range near the end, with no cookie.
    const url = new URL(demo.enclosures![0]!.url!);
    const length = RECORDINGS['patron-demo.wav'].length;
    const tail = await handle(request(url.pathname + url.search, { headers: { range: `bytes=${length - 1000}-` } }));
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(Buffer.from(RECORDINGS['patron-demo.wav'].subarray(length - 1000)))).toBe(true);

    const s = await feedOf(supporter);
    const theirs = new Map(s.feed.items!.map((i) => [i.title, i]));
    expect(theirs.get('Patron demo')!.enclosures ?? []).toEqual([]);
    expect(s.xml).not.toContain(demoId);
    expect(s.xml).not.toContain('MEDIA-CANARY-PATRON-3f1c');
    expect(theirs.get('Divider episode')!.enclosures).toHaveLength(1);
    expect(s.xml).toContain('MEDIA-CANARY-MEMBERS-8d2b');
    // The supporter's own token does not open the patron's recording.
    const refused = await handle(request(`${url.pathname}?feed=${encodeURIComponent(s.token)}`, { headers: { range: 'bytes=0-' } }));
    expect(refused.status).toBe(403);
    expect(Buffer.from(await refused.arrayBuffer()).includes(Buffer.from(RECORDINGS['patron-demo.wav'].subarray(100, 164)))).toBe(false);
  });

  it('stops a build that publishes a stretch of a members-only recording, naming the file and the recording', async () => {
    const stolen = RECORDINGS['patron-demo.wav'].subarray(70_000, 78_000);
    const publicCopy = new Uint8Array([...RECORDINGS['public-episode.wav'].subarray(0, 20_000), ...stolen]);
    const result = await buildSite({ content: contentWith({ ...RECORDINGS, 'public-episode.wav': publicCopy }) });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/media\/public-episode\/public-episode\.wav: the members-only file "patron-demo\.wav" of post "patron-demo" is readable here/);
  }, 180_000);
});
