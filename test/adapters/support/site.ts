// The site every runtime serves: a sealed dist/ plus the platform files emitPlatformFiles writes from it,
// in a temporary project root.
//
// Until the Astro build seals content on main, dist/ is the edge core's fixture deploy (real sealText,
// the same manifest schema and gate markup the build writes); see test/core/helpers/site.ts.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emitPlatformFiles, type BundleInfo } from '../../../src/adapters/build.ts';
import type { Manifest } from '../../../src/core/manifest.ts';
import { buildFixture, SECRET, SECRET_TEXT, TEASER_TEXT } from '../../core/helpers/site.ts';

export interface Site {
  root: string;
  dist: string;
  manifest: Manifest;
  secret: string;
  bundles: BundleInfo[];
  /** A gated page for any paying fan, its teaser text and a members-only text inside its sealed part. */
  gated: { path: string; teaser: string; secretText: string; asset: string };
  /** Texts that must never appear in an answer to someone who may not read them. */
  secrets: readonly string[];
  cleanup(): void;
}

export async function buildSite(): Promise<Site> {
  const fixture = await buildFixture();
  const root = mkdtempSync(path.join(tmpdir(), 'truefans-adapters-'));
  const dist = path.join(root, 'dist');
  cpSync(fixture.dir, dist, { recursive: true });
  fixture.cleanup();
  writeFileSync(path.join(dist, '404.html'), '<!doctype html><title>Not found</title><main><p>That page is not here.</p></main>');
  const bundles = await emitPlatformFiles('dist', { root, log: () => {} });
  return {
    root,
    dist,
    manifest: fixture.manifest,
    secret: SECRET,
    bundles,
    gated: { path: '/posts/winter-tour/', teaser: TEASER_TEXT, secretText: SECRET_TEXT.members, asset: '/_truefans/asset/img1/photo.png' },
    secrets: Object.values(SECRET_TEXT),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
