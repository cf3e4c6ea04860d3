// The sealing pass, run on the finished build output before it becomes dist/: collect the gates, seal the
// files used only inside them and the offer downloads, seal the pages, write the members-feed template and
// the public manifest, then run the leak check over every output file. Any problem throws; the caller then
// discards the whole output. It returns the manifest, which the platform emitters take as it is.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from '../core/manifest.ts';
import { SEALED_ASSET_DIR } from '../core/paths.ts';
import { collectGates } from './collect-gates.ts';
import { writeFeedTemplate } from './feed-template.ts';
import { describeLeaks, isTextFile, searchFileText, type LeakIndex } from './leak-check.ts';
import { writeSearchIndex } from './search-index.ts';
import { listFiles } from './output-files.ts';
import { writeManifest } from './public-manifest.ts';
import { sealAssets } from './seal-assets.ts';
import { Errors } from '../core/errors.ts';
import { sealContext, sealFailure, type SealOptions } from './seal-context.ts';
import { sealPages } from './seal-pages.ts';

export interface SealReport {
  /** As written to the output's manifest file. */
  manifest: Manifest;
  pages: number;
  gates: number;
  assets: number;
  files: number;
  leakCheckMs: number;
  sealMs: number;
  /** Pages in the search index, and the time Pagefind took. */
  searchPages: number;
  searchMs: number;
}

export async function sealOutput(options: SealOptions): Promise<SealReport> {
  const started = performance.now();
  const ctx = sealContext(options);
  const gated = collectGates(ctx);
  const { assets, offers, rewrites } = await sealAssets(ctx, gated.sealedFiles);
  const pages = await sealPages(ctx, gated.pages, rewrites);
  await writeFeedTemplate(ctx, { rewrites, assets });
  const manifest = writeManifest(ctx, { pages: pages.pages, assets, offers });
  const sealMs = performance.now() - started;
  // After sealing, before the leak check: the index is made from sealed pages and checked like any file.
  const searchStarted = performance.now();
  const searchPages = await writeSearchIndex(options.dir, options.site.language);
  const searchMs = performance.now() - searchStarted;

  const checkStarted = performance.now();
  const files = checkForLeaks(options.dir, options.displayDir, ctx.leaks);
  const leakCheckMs = performance.now() - checkStarted;
  return { manifest, pages: Object.keys(pages.pages).length, gates: pages.gates, assets: Object.keys(assets).length, files, leakCheckMs, sealMs, searchPages, searchMs };
}

/** The leak check, over every file now in the output; returns how many files it read. */
function checkForLeaks(dir: string, displayDir: string, leaks: LeakIndex): number {
  const found = [];
  const outFiles = listFiles(dir);
  for (const file of outFiles) {
    if (file.startsWith(SEALED_ASSET_DIR.slice(1))) continue;
    const bytes = readFileSync(join(dir, file));
    found.push(...leaks.scanBytes(file, bytes));
    if (isTextFile(file)) found.push(...leaks.scanText(file, bytes.toString('utf8')));
    // Pagefind's index and fragments are gzip: their words are read decompressed.
    const inflated = searchFileText(file, bytes);
    if (inflated !== undefined) found.push(...leaks.scanText(file, inflated));
  }
  if (found.length) {
    sealFailure(Errors.LeakFound, { files: new Set(found.map((l) => l.file)).size, leaks: describeLeaks(found, displayDir) });
  }
  return outFiles.length;
}
