// The sealing pass's fourth step: merge each post's sealed body into the feed index the build wrote and
// write the members-feed template the function fills in per fan.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BODY_TAG } from '../core/gate/contract.ts';
import { FEED_TEMPLATE_PATH } from '../core/paths.ts';
import type { SealContext } from './seal-context.ts';
import type { Manifest } from '../core/manifest.ts';
import { ASSET_ROUTE } from '../core/paths.ts';
import { mediaFacts } from '../config/media-facts.ts';
import { contentTypeOf } from './output-files.ts';

async function feedMedia(ctx: SealContext, url: string, sealed: { rewrites: Map<string, string>; assets: Manifest['assets'] }): Promise<FeedMedia | undefined> {
  const route = sealed.rewrites.get(url);
  if (route) {
    const asset = sealed.assets[route.slice(ASSET_ROUTE.length + 1).split('/')[0]!];
    if (!asset?.media) return undefined;
    return { path: route, type: asset.type, size: asset.media.size, ...(asset.media.seconds !== undefined ? { seconds: asset.media.seconds } : {}), access: asset.access };
  }
  const file = join(ctx.dir, decodeURI(url).slice(1));
  if (!ctx.fileSet.has(decodeURI(url).slice(1))) return undefined;
  const facts = await mediaFacts(file);
  return { path: url, type: contentTypeOf(url), size: facts.size, ...(facts.seconds !== undefined ? { seconds: facts.seconds } : {}), access: 'public' };
}

/** Written by src/pages/truefans-feed.json.ts; merged into the feed template and then removed. */
export const FEED_INDEX_FILE = 'truefans-feed.json';

const BODY = new RegExp(`<${BODY_TAG}>([\\s\\S]*)</${BODY_TAG}>`);

interface FeedIndex {
  title: string;
  link: string;
  items: { post: string; title: string; link: string; date: string; description: string; access: string; media?: string; explicit?: boolean; image?: string }[];
  podcast?: object;
}

/** What the function needs of a post's recording: the route it is served at, and the enclosure's facts. */
export interface FeedMedia {
  path: string;
  type: string;
  size: number;
  seconds?: number;
  /** Who may fetch it: public, or the access value of the sealed file. */
  access: string;
}

/**
 * Each post's body is read from the output as the sealing pass left it (gated pages already sealed). A
 * recording sealed by the pass is named by its asset route, with the manifest's facts; a public one keeps
 * its URL, with facts read from the file.
 */
export async function writeFeedTemplate(ctx: SealContext, sealed: { rewrites: Map<string, string>; assets: Manifest['assets'] }): Promise<void> {
  const { dir, site, fileSet, read } = ctx;
  const pageHtml = (file: string) => (fileSet.has(file) ? read(file) : undefined);
  const indexPath = join(dir, FEED_INDEX_FILE);
  let index: FeedIndex;
  try {
    index = JSON.parse(readFileSync(indexPath, 'utf8')) as FeedIndex;
  } catch {
    return;
  }
  const items = [];
  for (const { media, ...item } of index.items) {
    const file = `${item.link.replace(/^\//, '')}index.html`;
    const html = pageHtml(file) ?? '';
    const body = BODY.exec(html)?.[1] ?? '';
    items.push({ ...item, guid: new URL(item.link, site.url).href, html: body, ...(media ? { media: await feedMedia(ctx, media, sealed) } : {}) });
  }
  const target = join(dir, FEED_TEMPLATE_PATH);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, JSON.stringify({ title: index.title, link: index.link, items, ...(index.podcast ? { podcast: index.podcast } : {}) }));
  rmSync(indexPath);
}
