// The built manifest as the platform emitters read it (dist/_truefans/manifest.json), and the gated pages
// it lists in every spelling a static host serves: what each platform sends to the function besides its
// own routes under /_truefans/ (core/paths.ts). Everything else stays a plain CDN hit.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Errors, TruefansError } from '../core/errors.ts';
import { manifestSchema, type Manifest } from '../core/manifest.ts';
import { MANIFEST_PATH } from '../core/paths.ts';

/** Reads dist/_truefans/manifest.json; `shown` is how messages name dist/ (as the caller gave it). */
export async function readManifest(distDir: string, shown = distDir): Promise<Manifest> {
  const file = path.join(distDir, MANIFEST_PATH);
  const name = path.posix.join(shown.split(path.sep).join('/'), MANIFEST_PATH);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new TruefansError(Errors.ManifestInvalid, { file: name, problem: 'is missing, so the platform files cannot say which pages are gated', reader: 'platform-files' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new TruefansError(Errors.ManifestInvalid, { file: name, problem: 'is not a manifest this version of truefans reads', reader: 'server' });
  }
  return parsed.data;
}

/** The canonical paths of gated pages (`/posts/slug/`), sorted. */
export function gatedPages(manifest: Manifest): string[] {
  return Object.keys(manifest.pages).sort();
}

/** Every spelling of a gated page that a static host would serve the same file for. */
export function pageSpellings(page: string): string[] {
  return page.endsWith('/') ? [page, `${page}index.html`] : [page];
}
