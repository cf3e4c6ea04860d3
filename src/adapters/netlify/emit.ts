// Writes the Netlify Edge Function through Netlify's Frameworks API: one bundle in
// .netlify/v1/edge-functions/, which Netlify picks up after the build command (nothing to commit). Its
// routes are an inline `config` export, the declaration Netlify has read longest: every spelling of each
// gated page, plus the /_truefans/ routes minus the static files there. With weekly_digest on, a Scheduled
// Function (.netlify/v1/functions/truefans-digest.mjs, docs.netlify.com/build/functions/scheduled-functions)
// calls the digest route at the site.yaml time, in UTC; with gifts on, another (truefans-gifts.mjs) calls the
// gift delivery route daily.

import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { digestCron, parseDigestAt } from '../../core/digest-schedule.ts';
import { GIFT_DELIVERY_CRON } from '../../core/gifts/rules.ts';
import type { Manifest } from '../../core/manifest.ts';
import { bundlePlatform, type BundleInfo } from '../bundle.ts';
import { FUNCTION_PREFIX, STATIC_UNDER_PREFIX, TAILORED_PAGES } from '../../core/paths.ts';
import { gatedPages, pageSpellings } from '../built-manifest.ts';

export const NETLIFY_FUNCTION = 'truefans';
export const NETLIFY_DIGEST_FUNCTION = 'truefans-digest';
export const NETLIFY_GIFTS_FUNCTION = 'truefans-gifts';

/** Netlify's inline edge function config (docs.netlify.com/edge-functions/declarations). */
export interface NetlifyConfig {
  path: string[];
  excludedPath: string[];
}

export function netlifyConfig(manifest: Manifest): NetlifyConfig {
  return {
    path: [`${FUNCTION_PREFIX}*`, ...gatedPages(manifest).flatMap(pageSpellings), ...TAILORED_PAGES.flatMap(pageSpellings)],
    excludedPath: [...STATIC_UNDER_PREFIX],
  };
}

/** A scheduled function when `on`; removed when off, so an old one stops firing. */
async function emitScheduledFunction(root: string, manifest: Manifest, name: string, source: string, schedule: string | undefined): Promise<void> {
  const file = path.join(root, '.netlify/v1/functions', `${name}.mjs`);
  if (schedule === undefined) {
    await rm(file, { force: true });
    return;
  }
  await build({
    entryPoints: [fileURLToPath(new URL(source, import.meta.url))],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    define: { __TRUEFANS_SITE_URL__: JSON.stringify(manifest.site.url) },
    footer: { js: `export const config = ${JSON.stringify({ schedule })};` },
  });
}

export async function emitNetlify(root: string, manifest: Manifest): Promise<BundleInfo> {
  const dir = path.join(root, '.netlify/v1/edge-functions');
  await mkdir(dir, { recursive: true });
  await emitScheduledFunction(root, manifest, NETLIFY_DIGEST_FUNCTION, 'digest-function.ts', manifest.site.weeklyDigest ? digestCron(parseDigestAt(manifest.site.digestAt)) : undefined);
  await emitScheduledFunction(root, manifest, NETLIFY_GIFTS_FUNCTION, 'gift-function.ts', manifest.site.gifts ? GIFT_DELIVERY_CRON : undefined);
  return bundlePlatform('netlify', path.join(dir, `${NETLIFY_FUNCTION}.js`), {
    footer: `export const config = ${JSON.stringify(netlifyConfig(manifest))};`,
  });
}
