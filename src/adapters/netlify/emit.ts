// Writes the Netlify Edge Function through Netlify's Frameworks API: one bundle in
// .netlify/v1/edge-functions/, which Netlify picks up after the build command (nothing to commit). Its
// routes are an inline `config` export, the declaration Netlify has read longest: every spelling of each
// gated page, plus the /_truefans/ routes minus the static files there.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../../core/manifest.ts';
import { bundlePlatform, type BundleInfo } from '../bundle.ts';
import { FUNCTION_PREFIX, STATIC_UNDER_PREFIX, TAILORED_PAGES } from '../../core/paths.ts';
import { gatedPages, pageSpellings } from '../built-manifest.ts';

export const NETLIFY_FUNCTION = 'truefans';

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

export async function emitNetlify(root: string, manifest: Manifest): Promise<BundleInfo> {
  const dir = path.join(root, '.netlify/v1/edge-functions');
  await mkdir(dir, { recursive: true });
  return bundlePlatform('netlify', path.join(dir, `${NETLIFY_FUNCTION}.js`), {
    footer: `export const config = ${JSON.stringify(netlifyConfig(manifest))};`,
  });
}
