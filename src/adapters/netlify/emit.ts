// Writes the Netlify Edge Function through Netlify's Frameworks API: the bundle in
// .netlify/v1/edge-functions/ and its declarations in .netlify/v1/config.json, one per gated page
// spelling plus the /_truefans/ routes. Netlify picks both up after the build command; nothing to commit.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../../core/manifest.ts';
import { bundlePlatform, type BundleInfo } from '../bundle.ts';
import { FUNCTION_PREFIX, STATIC_UNDER_PREFIX, gatedPages, pageSpellings } from '../routes.ts';

export const NETLIFY_FUNCTION = 'truefans';

export interface EdgeFunctionDeclaration {
  function: string;
  path: string;
  excludedPath?: string[];
}

export function netlifyDeclarations(manifest: Manifest): EdgeFunctionDeclaration[] {
  return [
    { function: NETLIFY_FUNCTION, path: `${FUNCTION_PREFIX}*`, excludedPath: [...STATIC_UNDER_PREFIX] },
    ...gatedPages(manifest).flatMap((page) => pageSpellings(page).map((p) => ({ function: NETLIFY_FUNCTION, path: p }))),
  ];
}

export async function emitNetlify(root: string, manifest: Manifest): Promise<BundleInfo> {
  const dir = path.join(root, '.netlify/v1');
  await mkdir(path.join(dir, 'edge-functions'), { recursive: true });
  const info = await bundlePlatform('netlify', path.join(dir, 'edge-functions', `${NETLIFY_FUNCTION}.js`));
  await writeFile(path.join(dir, 'config.json'), `${JSON.stringify({ edge_functions: netlifyDeclarations(manifest) }, null, 2)}\n`);
  return info;
}
