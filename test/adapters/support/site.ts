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
  /** Texts that must never appear in an answer to someone who may not read them. */
  secrets: readonly string[];
  cleanup(): void;
}

export const ADAPTER_SITE = 'test/fixtures/adapter-site';

export async function buildSite(): Promise<Site> {
  const root = mkdtempSync(path.join(tmpdir(), 'truefans-adapters-'));
  const dist = path.join(root, 'dist');
  const built = await astroBuild({ content: ADAPTER_SITE, outDir: dist });
  if (built.code !== 0) throw new Error(`the adapter fixture site did not build:\n${built.output}`);
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(path.join(dist, '_truefans/manifest.json'), 'utf8')));
  const [assetId, asset] = Object.entries(manifest.assets).find(([, a]) => a.post === 'tour-diary')!;
  const bundles = await emitPlatformFiles('dist', { root, log: () => {} });
  return {
    root,
    dist,
    manifest,
    secret: TEST_SECRET,
    bundles,
    gated: { path: '/posts/tour-diary/', teaser: 'The tour starts in the north', secretText: 'ADAPTER-CANARY-5d2e', asset: `${ASSET_ROUTE}/${assetId}/${asset.name}` },
    public: { path: '/posts/hello/', text: 'This public post is for everyone' },
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
