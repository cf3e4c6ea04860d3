// The sealing pass's first step: find every gated page, its gates and their tiers, and the local files
// used only inside gates (a file referenced anywhere in public is public: the teaser shows it). Every
// gate's text goes into the leak index.

import { ARTICLE_ACCESS_ATTR, ARTICLE_POST_ATTR, GATE_TAG, gateTier, gateValues, LOCKED_TAG, TIER_ATTR } from '../core/gate/contract.ts';
import { findMarkers, type Marker } from '../core/html/markers.ts';
import { FEED_INDEX_FILE } from './feed-template.ts';
import { isTextFile } from './leak-check.ts';
import { Errors } from '../core/errors.ts';
import { sealFailure, type SealContext } from './seal-context.ts';

export interface GatedPage {
  file: string;
  html: string;
  post: string;
  gates: Marker[];
  locked: Marker[];
  tierOf: (m: Marker) => string;
}

export interface AssetUse {
  tiers: Set<string>;
  posts: Set<string>;
}

export interface CollectedGates {
  pages: GatedPage[];
  /** Files to seal, by the URL path the gates use, with the tiers and posts that use them. */
  sealedFiles: Map<string, AssetUse>;
}

const ARTICLE = /<article\b[^>]*>/g;
const ARTICLE_POST = new RegExp(`\\b${ARTICLE_POST_ATTR}="([^"]*)"`);
const ARTICLE_ACCESS = new RegExp(`\\b${ARTICLE_ACCESS_ATTR}="([^"]*)"`);
const REF_ATTR = /\b(src|href|poster|srcset|data)="([^"]*)"/g;

function articleOf(html: string): { post?: string; access?: string } {
  for (const m of html.matchAll(ARTICLE)) {
    const post = ARTICLE_POST.exec(m[0])?.[1];
    if (post) return { post, access: ARTICLE_ACCESS.exec(m[0])?.[1] };
  }
  return {};
}

/** Local URL paths referenced from an HTML fragment (src, href, srcset, poster). */
function localRefs(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(REF_ATTR)) {
    const values = m[1] === 'srcset' ? m[2]!.split(',').map((part) => part.trim().split(/\s+/)[0] ?? '') : [m[2]!];
    for (const value of values) {
      const path = value.replace(/&amp;/g, '&').split(/[?#]/)[0]!;
      if (path.startsWith('/') && !path.startsWith('//')) out.push(path);
    }
  }
  return out;
}

export function collectGates(ctx: SealContext): CollectedGates {
  const { displayDir, site, files, fileSet, read, leaks } = ctx;
  const validTiers = new Set(gateValues(site.tiers.map((t) => t.id)));
  const pages: GatedPage[] = [];
  const uses = new Map<string, AssetUse>();
  const publicTexts: string[] = [];
  for (const file of files) {
    if (!isTextFile(file) || file === FEED_INDEX_FILE) continue;
    const html = read(file);
    if (!file.endsWith('.html') || (!html.includes(`<${GATE_TAG}`) && !html.includes(`<${LOCKED_TAG}`))) {
      publicTexts.push(html);
      continue;
    }
    let gates: Marker[];
    let locked: Marker[];
    try {
      gates = findMarkers(html, GATE_TAG);
      locked = findMarkers(html, LOCKED_TAG);
    } catch (error) {
      sealFailure(Errors.SealBlockInvalid, { file: `${displayDir}/${file}`, problem: (error as Error).message });
    }
    const { post, access } = articleOf(html);
    if (gates.length && !post) {
      sealFailure(Errors.SealOutsidePost, { file: `${displayDir}/${file}` });
    }
    const tierOf = (m: Marker) => gateTier(m.attrs[TIER_ATTR], access);
    for (const gate of gates) {
      const tier = tierOf(gate);
      if (!validTiers.has(tier)) {
        sealFailure(Errors.SealTierUnknown, { file: `${displayDir}/${file}`, post: post!, tier, tiers: [...validTiers] });
      }
      leaks.addText(post!, gate.inner);
      for (const ref of localRefs(gate.inner)) {
        const target = decodeURI(ref).slice(1);
        if (!fileSet.has(target) || target.endsWith('.html') || target.endsWith('/')) continue;
        const use = uses.get(ref) ?? { tiers: new Set(), posts: new Set() };
        use.tiers.add(tier);
        use.posts.add(post!);
        uses.set(ref, use);
      }
    }
    pages.push({ file, html, post: post!, gates, locked, tierOf });
    let rest = '';
    let at = 0;
    for (const gate of gates) {
      rest += html.slice(at, gate.start);
      at = gate.end;
    }
    publicTexts.push(rest + html.slice(at));
  }
  return { pages, sealedFiles: withoutPublic(uses, publicTexts) };
}

/** Drops the files that any public text references. */
function withoutPublic(uses: Map<string, AssetUse>, publicTexts: string[]): Map<string, AssetUse> {
  if (!uses.size) return uses;
  const publicRefs = new Set<string>();
  const names = [...uses.keys()];
  const pattern = new RegExp(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  for (const text of publicTexts) for (const m of text.matchAll(pattern)) publicRefs.add(m[0]);
  return new Map([...uses].filter(([ref]) => !publicRefs.has(ref)));
}
