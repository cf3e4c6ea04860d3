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

/**
 * The gated pages as at most `budget` path patterns, where a pattern ending in `*` covers every path under
 * it: each page in all its spellings while they fit; past that, the folders holding the most gated pages
 * become `folder*` one by one until the rest fits, and `/*` (every path) if nothing else does. Public
 * pages in a collapsed folder then reach the function too, which passes them through unchanged.
 */
export function gatedPagePatterns(manifest: Manifest, budget: number): { patterns: string[]; collapsed: string[] } {
  const pages = gatedPages(manifest);
  let count = pages.reduce((n, page) => n + pageSpellings(page).length, 0);
  if (count <= budget) return { patterns: pages.flatMap(pageSpellings), collapsed: [] };
  const folders = new Map<string, string[]>();
  for (const page of pages) {
    const folder = page.replace(/[^/]*\/?$/, '');
    folders.set(folder, [...(folders.get(folder) ?? []), page]);
  }
  const collapsed = new Set<string>();
  for (const [folder, inside] of [...folders].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))) {
    if (count <= budget) break;
    if (folder === '/') break;
    collapsed.add(folder);
    count += 1 - inside.reduce((n, page) => n + pageSpellings(page).length, 0);
  }
  if (count > budget) return { patterns: ['/*'], collapsed: ['/'] };
  const patterns = [...collapsed].map((folder) => `${folder}*`);
  for (const page of pages) if (!collapsed.has(page.replace(/[^/]*\/?$/, ''))) patterns.push(...pageSpellings(page));
  return { patterns, collapsed: [...collapsed] };
}

/** Every spelling of a gated page that a static host would serve the same file for. */
export function pageSpellings(page: string): string[] {
  return page.endsWith('/') ? [page, `${page}index.html`] : [page];
}
