// The build's last step: from the sealed dist/ and its manifest, write what each platform deploys. The
// build calls emitPlatformFiles after sealing and the leak check, with the manifest the sealing pass
// returned; the adapter tests call it on a built dist/, whose manifest it then reads.
//
//   Netlify     .netlify/v1/edge-functions/truefans.js + .netlify/v1/config.json   (Frameworks API)
//   Cloudflare  .truefans/cloudflare/{worker.js,wrangler.json} + .wrangler/deploy/config.json
//   Vercel      .vercel/output/                                                     (Build Output API v3)
//   Node        nothing: `npm start` and the Docker image serve dist/ directly, through the core
//   Weekly digest (site.yaml weekly_digest: true): Cloudflare triggers.crons, Netlify
//               .netlify/v1/functions/truefans-digest.mjs, Vercel config.json crons; Node runs a timer
//   Gift delivery (site.yaml gifts): the same, daily at 00:05 UTC (truefans-gifts.mjs on Netlify)
//   Security headers for static files: dist/_headers (Netlify, Cloudflare), config.json routes (Vercel)

import path from 'node:path';
import { Errors, TruefansError } from '../core/errors.ts';
import { SIZE_LIMITS, type BundleInfo, type Platform } from './bundle.ts';
import { emitCloudflare } from './cloudflare/emit.ts';
import { emitNetlify } from './netlify/emit.ts';
import { checkInlineHashes, writeHeadersFile } from './headers.ts';
import { readManifest } from './built-manifest.ts';
import type { Manifest } from '../core/manifest.ts';
import { emitVercel } from './vercel/emit.ts';

export type { BundleInfo, Platform };
export const PLATFORMS: readonly Platform[] = ['netlify', 'cloudflare', 'vercel'];

export interface EmitOptions {
  /**
   * The project root, where each platform looks for its files (and `distDir` is resolved from).
   * Default: the folder that holds dist/, which is the project root for the usual `<root>/dist`, and a
   * temporary folder for a build into one (so test builds never write into the repository).
   */
  root?: string;
  /** Which platforms to write. Default: TRUEFANS_PLATFORMS (comma-separated), else all three. */
  platforms?: readonly Platform[];
  /** Where to report each bundle's size. Default: console.log; pass `() => {}` to stay quiet. */
  log?: (line: string) => void;
  /** The manifest the sealing pass returned. Default: read from dist/ (as the sealing pass wrote it). */
  manifest?: Manifest;
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** TRUEFANS_PLATFORMS="netlify,cloudflare" (or "none") limits which platform files a build writes. */
export function platformsFromEnv(value: string | undefined): readonly Platform[] {
  if (value === undefined || value.trim() === '') return PLATFORMS;
  const names = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (names.length === 1 && names[0] === 'none') return [];
  const unknown = names.filter((n) => !PLATFORMS.includes(n as Platform));
  if (unknown.length) {
    throw new TruefansError(Errors.PlatformConfigInvalid, { kind: 'platforms', unknown, platforms: PLATFORMS });
  }
  return names as Platform[];
}

export async function emitPlatformFiles(distDir: string, options: EmitOptions = {}): Promise<BundleInfo[]> {
  const dist = path.resolve(options.root ?? '.', distDir);
  const root = path.resolve(options.root ?? path.dirname(dist));
  const manifest = options.manifest ?? (await readManifest(dist, distDir));
  const log = options.log ?? console.log;
  const results: BundleInfo[] = [];
  await checkInlineHashes(dist);
  const platforms = options.platforms ?? platformsFromEnv(process.env.TRUEFANS_PLATFORMS);
  // Netlify and Cloudflare read the same `_headers` file from the deploy folder.
  if (platforms.includes('netlify') || platforms.includes('cloudflare')) await writeHeadersFile(dist);
  for (const platform of platforms) {
    const info =
      platform === 'netlify'
        ? await emitNetlify(root, manifest)
        : platform === 'cloudflare'
          ? await emitCloudflare(root, dist, manifest)
          : await emitVercel(root, dist, manifest);
    log(`truefans: ${platform} function ${path.relative(root, info.file)}: ${kib(info.bytes)}, ${kib(info.gzipBytes)} gzip (limit ${SIZE_LIMITS[platform].source})`);
    if (info.note) log(`truefans: ${platform}: ${info.note}`);
    if (info.gzipBytes > info.limitGzipBytes) {
      throw new TruefansError(Errors.BundleTooLarge, { platform, size: kib(info.gzipBytes), limit: SIZE_LIMITS[platform].source });
    }
    results.push(info);
  }
  return results;
}
