// The sites the adapter tests serve, each a sealed dist/ plus the platform files emitPlatformFiles writes
// from it, in a temporary project root:
// - buildSite(): the real Astro build (with sealing and the leak check) of test/fixtures/adapter-site,
//   for the contract suite;
// - fixtureSite(): the edge core's fixture deploy (test/core/helpers/site.ts: real sealText, the build's
//   manifest and gate markup, several tiers and an offer), fast, for the platform-file tests.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emitPlatformFiles, type BundleInfo } from '../../../src/adapters/build.ts';
import { manifestSchema, type Manifest } from '../../../src/core/manifest.ts';
import { readFileSync } from 'node:fs';
import { buildFixture, SECRET, SECRET_TEXT, TEASER_TEXT } from '../../core/helpers/site.ts';
import { buildSite as astroBuild, TEST_SECRET } from '../../helpers/build-site.ts';
import { ASSET_ROUTE } from '../../../src/core/paths.ts';
import { parseMediaHeader } from '../../../src/core/crypto/media.ts';
import { demoRecording } from '../../../scripts/demo-recording.ts';

export interface Site {
  root: string;
  dist: string;
  manifest: Manifest;
  secret: string;
  bundles: BundleInfo[];
  /** A gated page for any paying fan: its teaser, a members-only text in its sealed part, a sealed asset. */
  gated: { path: string; teaser: string; secretText: string; asset: string };
  /** A public page and a sentence on it. */
  public: { path: string; text: string };
  /** A members-only recording, sealed in chunks: its route and its bytes; and one whose first chunk was changed after the build. */
  media?: { path: string; bytes: Uint8Array; tampered: string };
  /** Texts that must never appear in an answer to someone who may not read them. */
  secrets: readonly string[];
  cleanup(): void;
}

export const ADAPTER_SITE = 'test/fixtures/adapter-site';

export async function buildSite(): Promise<Site> {
  const root = mkdtempSync(path.join(tmpdir(), 'truefans-adapters-'));
  const dist = path.join(root, 'dist');
  // The fixture plus two members-only recordings (made here, so the fixture's other users stay as they are).
  const content = path.join(root, 'content');
  cpSync(ADAPTER_SITE, content, { recursive: true });
  const recording = demoRecording(7, 5);
  for (const [post, title] of [['tour-demo', 'Soundcheck demo'], ['broken-demo', 'Broken demo']] as const) {
    writeFileSync(path.join(content, 'posts', `${post}.wav`), post === 'tour-demo' ? recording : demoRecording(3, 6));
    writeFileSync(path.join(content, 'posts', `${post}.md`), `---\ntitle: ${title}\ndate: 2026-10-05\ndescription: A recording for members.\naccess: members\naudio: ${post}.wav\n---\nA take from the soundcheck.\n`);
  }
  const built = await astroBuild({ content, outDir: dist });
  if (built.code !== 0) throw new Error(`the adapter fixture site did not build:\n${built.output}`);
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(path.join(dist, '_truefans/manifest.json'), 'utf8')));
  const [assetId, asset] = Object.entries(manifest.assets).find(([, a]) => a.post === 'tour-diary')!;
  const [mediaId] = Object.entries(manifest.assets).find(([, a]) => a.post === 'tour-demo')!;
  const [brokenId] = Object.entries(manifest.assets).find(([, a]) => a.post === 'broken-demo')!;
  // One byte of the broken recording's first chunk changed, before the platform files copy the output.
  const brokenFile = path.join(dist, `_truefans/sealed/${brokenId}.bin`);
  const broken = readFileSync(brokenFile);
  broken[parseMediaHeader(broken).bytes.length + 10]! ^= 0x01;
  writeFileSync(brokenFile, broken);
  const bundles = await emitPlatformFiles('dist', { root, log: () => {} });
  return {
    root,
    dist,
    manifest,
    secret: TEST_SECRET,
    bundles,
    gated: { path: '/posts/tour-diary/', teaser: 'The tour starts in the north', secretText: 'ADAPTER-CANARY-5d2e', asset: `${ASSET_ROUTE}/${assetId}/${asset.name}` },
    public: { path: '/posts/hello/', text: 'This public post is for everyone' },
    media: { path: `${ASSET_ROUTE}/${mediaId}/tour-demo.wav`, bytes: recording, tampered: `${ASSET_ROUTE}/${brokenId}/broken-demo.wav` },
    secrets: ['ADAPTER-CANARY-5d2e'],
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export async function fixtureSite(options: { wranglerJsonc?: string; weeklyDigest?: boolean | string; gifts?: number[] } = {}): Promise<Site> {
  const fixture = await buildFixture({ ...(options.weeklyDigest ? { weeklyDigest: options.weeklyDigest } : {}), ...(options.gifts ? { gifts: options.gifts } : {}) });
  const root = mkdtempSync(path.join(tmpdir(), 'truefans-adapters-'));
  const dist = path.join(root, 'dist');
  cpSync(fixture.dir, dist, { recursive: true });
  fixture.cleanup();
  if (options.wranglerJsonc) writeFileSync(path.join(root, 'wrangler.jsonc'), options.wranglerJsonc);
  const bundles = await emitPlatformFiles('dist', { root, log: () => {} });
  return {
    root,
    dist,
    manifest: fixture.manifest,
    secret: SECRET,
    bundles,
    gated: { path: '/posts/winter-tour/', teaser: TEASER_TEXT, secretText: SECRET_TEXT.members, asset: `${ASSET_ROUTE}/img1/photo.png` },
    public: { path: '/posts/hello/', text: 'A public post.' },
    secrets: Object.values(SECRET_TEXT),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
