// The sealing pass's third step: seal each gate (after pointing its sealed files at the asset route),
// fill in the tier of each locked block, write the pages back, and list each gated page for the manifest.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHTML } from 'entities';
import { sealText } from '../core/crypto/seal.ts';
import { LOCKED_TAG, sealedGate, TIER_ATTR } from '../core/gate/contract.ts';
import { openTag, replaceMarkers } from '../core/html/markers.ts';
import type { Manifest } from '../core/manifest.ts';
import type { GatedPage } from './collect-gates.ts';
import { urlPathOf } from './output-files.ts';
import type { SealContext } from './seal-context.ts';

export interface SealedPages {
  /** Gated pages by URL path, in the order they were sealed. */
  pages: Manifest['pages'];
  /** Each sealed page's HTML as written, by file. */
  html: Map<string, string>;
  gates: number;
}

const SEAL_CONCURRENCY = 64;

export async function sealPages(ctx: SealContext, pages: GatedPage[], rewrites: Map<string, string>): Promise<SealedPages> {
  const { dir, keyring } = ctx;
  const manifestPages: Manifest['pages'] = {};
  const sealedHtml = new Map<string, string>();
  let gateCount = 0;
  // Pages are sealed concurrently: each WebCrypto call is a thread-pool round trip, so overlapping them
  // is what keeps sealing cheap next to the build.
  const sealPage = async (page: GatedPage) => {
    const markers = [...page.gates, ...page.locked].sort((a, b) => a.start - b.start);
    const html = await replaceMarkers(page.html, markers, async (m) => {
      const tier = page.tierOf(m);
      if (m.name === LOCKED_TAG) return `${openTag(LOCKED_TAG, { ...m.attrs, [TIER_ATTR]: tier })}${m.inner}</${LOCKED_TAG}>`;
      let inner = m.inner;
      for (const [from, to] of rewrites) inner = inner.split(`"${from}"`).join(`"${to}"`).split(`${from} `).join(`${to} `).split(`${from},`).join(`${to},`);
      gateCount++;
      return sealedGate(tier, page.post, await sealText(keyring, { kind: 'content', post: page.post, tier }, inner));
    });
    writeFileSync(join(dir, page.file), html);
    sealedHtml.set(page.file, html);
    if (page.gates.length) {
      // The post title alone: og:title is exactly it (<title> carries the site name too).
      const raw = /<meta property="og:title" content="([^"]*)"/.exec(page.html)?.[1] ?? /<title>([^<]*)<\/title>/.exec(page.html)?.[1];
      const title = raw ? decodeHTML(raw).trim() : page.post;
      manifestPages[urlPathOf(page.file)] = { post: page.post, title, access: [...new Set(page.gates.map(page.tierOf))] };
    }
  };
  for (let i = 0; i < pages.length; i += SEAL_CONCURRENCY) await Promise.all(pages.slice(i, i + SEAL_CONCURRENCY).map(sealPage));
  return { pages: manifestPages, html: sealedHtml, gates: gateCount };
}
