// The sealing pass's search step: Pagefind indexes the pages as they are after sealing, before the leak
// check reads every output file (Pagefind's own included, decompressed: leak-check.ts). Only what a visitor
// may read goes in: posts and pages (marked `data-pagefind-body`), without gates, paywalls or templates; a
// sealed gate holds only ciphertext anyway, so members-only text cannot reach the index even if a selector
// were missed, and a scheduled post was never built.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { GATE_TAG, LOCKED_TAG } from '../core/gate/contract.ts';

/** Where the index and Pagefind's UI are written, under the output folder. */
export const SEARCH_DIR = 'pagefind';

/** Indexes `dir`'s HTML pages into `dir`/pagefind/; returns how many pages went in (one fragment each). */
export async function writeSearchIndex(dir: string, language: string): Promise<number> {
  const { index, errors } = await pagefind.createIndex({
    excludeSelectors: [GATE_TAG, LOCKED_TAG, 'template', 'truefans-member-nav', 'form'],
    // One index in the site's language: a stray lang attribute must not split the site in two.
    forceLanguage: language.split('-')[0]!,
  });
  try {
    if (!index || errors.length) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
    const added = await index.addDirectory({ path: dir });
    if (added.errors.length) throw new Error(`Pagefind could not index the site: ${added.errors.join('; ')}`);
    const written = await index.writeFiles({ outputPath: join(dir, SEARCH_DIR) });
    if (written.errors.length) throw new Error(`Pagefind could not write its index: ${written.errors.join('; ')}`);
    // page_count counts every HTML file read; only pages marked data-pagefind-body get a fragment.
    const fragments = join(dir, SEARCH_DIR, 'fragment');
    return existsSync(fragments) ? readdirSync(fragments).filter((f) => f.endsWith('.pf_fragment')).length : 0;
  } finally {
    await pagefind.close();
  }
}
