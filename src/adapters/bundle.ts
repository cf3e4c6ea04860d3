// Bundles one platform's entry (the adapter, the whole core and, through `#billing`, the Stripe billing, with zod, jose and stripe) into a single
// ESM file with esbuild, and measures it against the platform's documented size limit.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export type Platform = 'netlify' | 'cloudflare' | 'vercel';

/**
 * Each platform's documented code-size limit (compressed), on its smallest plan:
 * - Cloudflare Workers Free: 3 MB after compression (developers.cloudflare.com/workers/platform/limits)
 * - Netlify Edge Functions: 20 MB after compression (docs.netlify.com/edge-functions/limits)
 * - Vercel Edge runtime, Hobby: 1 MB after gzip (vercel.com/docs/functions/limitations)
 */
export const SIZE_LIMITS: Record<Platform, { gzipBytes: number; source: string }> = {
  cloudflare: { gzipBytes: 3 * 1024 * 1024, source: 'Cloudflare Workers Free: 3 MB compressed' },
  netlify: { gzipBytes: 20 * 1024 * 1024, source: 'Netlify Edge Functions: 20 MB compressed' },
  vercel: { gzipBytes: 1 * 1024 * 1024, source: 'Vercel Edge, Hobby: 1 MB gzip' },
};

export interface BundleInfo {
  platform: Platform;
  file: string;
  bytes: number;
  gzipBytes: number;
  limitGzipBytes: number;
  /** Something the creator should know about what was written (said once, at the build). */
  note?: string;
}

/** The entry module of each platform's adapter. */
export function entryOf(platform: Platform): string {
  const name = { netlify: 'netlify/edge-function.ts', cloudflare: 'cloudflare/worker.ts', vercel: 'vercel/edge-function.ts' }[platform];
  return fileURLToPath(new URL(name, import.meta.url));
}

export interface BundleOptions {
  /** Values baked into the bundle (esbuild `define`), already JSON. */
  define?: Record<string, string>;
  /** Code appended after the bundle (an inline platform config export). */
  footer?: string;
}

export async function bundlePlatform(platform: Platform, outfile: string, options: BundleOptions = {}): Promise<BundleInfo> {
  await build({
    entryPoints: [entryOf(platform)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    // stripe ships a fetch + SubtleCrypto build under these conditions; the others pick `import`.
    conditions: ['workerd', 'worker', 'browser', 'import'],
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: options.define ?? {},
    ...(options.footer ? { footer: { js: options.footer } } : {}),
  });
  const code = await readFile(outfile);
  return {
    platform,
    file: outfile,
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    limitGzipBytes: SIZE_LIMITS[platform].gzipBytes,
  };
}
