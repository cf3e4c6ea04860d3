// The sealing pass's fourth step: merge each post's sealed body into the feed index the build wrote and
// write the members-feed template the function fills in per fan.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BODY_TAG } from '../core/gate/contract.ts';
import { FEED_TEMPLATE_PATH } from '../core/paths.ts';
import type { SealContext } from './seal-context.ts';

/** Written by src/pages/truefans-feed.json.ts; merged into the feed template and then removed. */
export const FEED_INDEX_FILE = 'truefans-feed.json';

const BODY = new RegExp(`<${BODY_TAG}>([\\s\\S]*)</${BODY_TAG}>`);

interface FeedIndex {
  title: string;
  link: string;
  items: { post: string; title: string; link: string; date: string; description: string; access: string }[];
}

/** `sealedHtml` holds the pages the sealing pass rewrote; any other page is read from the output. */
export function writeFeedTemplate(ctx: SealContext, sealedHtml: Map<string, string>): void {
  const { dir, site, fileSet, read } = ctx;
  const pageHtml = (file: string) => sealedHtml.get(file) ?? (fileSet.has(file) ? read(file) : undefined);
  const indexPath = join(dir, FEED_INDEX_FILE);
  let index: FeedIndex;
  try {
    index = JSON.parse(readFileSync(indexPath, 'utf8')) as FeedIndex;
  } catch {
    return;
  }
  const items = index.items.map((item) => {
    const file = `${item.link.replace(/^\//, '')}index.html`;
    const html = pageHtml(file) ?? '';
    const body = BODY.exec(html)?.[1] ?? '';
    return { ...item, guid: new URL(item.link, site.url).href, html: body };
  });
  const target = join(dir, FEED_TEMPLATE_PATH);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, JSON.stringify({ title: index.title, link: index.link, items }));
  rmSync(indexPath);
}
