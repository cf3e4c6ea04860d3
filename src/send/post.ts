// A post as the build left it in dist/: its item in the members-feed template (the body with its sealed
// gates) and the public manifest (tiers, ranks, the site). The send never re-renders Markdown: it opens
// exactly what the web serves, with the keys of TRUEFANS_SECRET, so email cannot disagree with the site.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestSchema, type Manifest } from '../core/manifest.ts';
import { FEED_TEMPLATE_PATH, MANIFEST_PATH } from '../core/paths.ts';
import { isPublishedAt } from '../core/schedule.ts';

export interface BuiltPost {
  post: string;
  title: string;
  /** Site-relative link: `/posts/<id>/`. */
  link: string;
  date: string;
  description: string;
  access: string;
  /** The rendered body with sealed `<truefans-gate>` parts, as the build wrote it. */
  html: string;
}

export interface BuiltSite {
  manifest: Manifest;
  posts: BuiltPost[];
}

export class SendInputError extends Error {}

export function readBuiltSite(dist: string): BuiltSite {
  const read = (path: string, what: string) => {
    try {
      return JSON.parse(readFileSync(join(dist, path), 'utf8')) as unknown;
    } catch {
      throw new SendInputError(`${join(dist, path)}: cannot read the ${what}. Run \`npm run build\` first (with the same TRUEFANS_SECRET), then send.`);
    }
  };
  const manifest = manifestSchema.safeParse(read(MANIFEST_PATH, 'manifest'));
  if (!manifest.success) throw new SendInputError(`${join(dist, MANIFEST_PATH)}: not a truefans manifest. Rebuild the site with \`npm run build\`.`);
  const feed = read(FEED_TEMPLATE_PATH, 'members-feed template') as { items?: unknown };
  if (!Array.isArray(feed.items)) throw new SendInputError(`${join(dist, FEED_TEMPLATE_PATH)}: no items. Rebuild the site with \`npm run build\`.`);
  return { manifest: manifest.data, posts: feed.items as BuiltPost[] };
}

/**
 * Published: in the build (drafts and posts scheduled after the build's clock never are) and dated no
 * later than now, by the same rule the build used (a build made with TRUEFANS_NOW ahead still waits).
 */
export const isPublished = (post: BuiltPost, nowMs: number): boolean => isPublishedAt(post.date, nowMs);
