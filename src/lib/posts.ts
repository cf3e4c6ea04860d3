// The posts a build publishes, newest first, and what each one gates. Drafts and scheduled posts (dated
// after the build's clock) exist only under `npm run dev`. Nothing here reads a gated body for display: it only looks for where gates are.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getCollection, type CollectionEntry } from 'astro:content';
import { contentDir, now, preview } from 'virtual:truefans/site';
import { gateTier } from '../core/gate/contract.ts';
import { isPublishedAt } from '../core/schedule.ts';
import { highestAccess, lowestAccess } from './access.ts';
import { hasRenderedGate, membersOnlyTiers } from './post-gates.ts';
import { tagSlug } from './tag-slug.ts';

export { gateTier, tagSlug };

export type Post = CollectionEntry<'posts'>;
export type Page = CollectionEntry<'pages'>;

// `preview` is true only under `astro dev` (the integration knows the command). Not import.meta.env.DEV:
// Vite lets a stray DEV=1 in the environment set that, and a production build would publish drafts.
const showDrafts = preview;

/** Dated after the build's clock: built only once its date has come (src/core/schedule.ts). */
export const isScheduled = (post: Pick<Post, 'data'>) => !isPublishedAt(post.data.date, now);

export async function getPosts(): Promise<Post[]> {
  // Every page, feed, the sitemap and the search index list posts from here, so none publishes one early.
  const posts = await getCollection('posts', (post) => showDrafts || (!post.data.draft && !isScheduled(post)));
  return posts.sort((a, b) => b.data.date.getTime() - a.data.date.getTime() || a.id.localeCompare(b.id));
}

export async function getPages(): Promise<Page[]> {
  // A site without content/pages/ is fine; asking Astro for the empty collection would warn on every page.
  if (!existsSync(join(contentDir, 'pages'))) return [];
  const pages = await getCollection('pages', ({ data }) => showDrafts || !data.draft);
  return pages.sort((a, b) => a.data.order - b.data.order || a.id.localeCompare(b.id));
}

export const postPath = (post: Pick<Post, 'id'>) => `/posts/${post.id}/`;

export interface Gating {
  /** The post's own access (frontmatter). */
  access: string;
  /** The post has inline gates: a `<!-- members -->` divider (Markdown) or `<MembersOnly>` blocks (MDX). */
  inline: boolean;
  /** The whole body is gated (access is not public and there are no inline gates). */
  whole: boolean;
  /** The access value of every gate on the page, in order. Empty for a public post without gates. */
  gates: string[];
  /** The least a fan must hold to read any gated part, and what opens all of them. */
  lowest: string;
  highest: string;
}

export const isMdx = (post: Post) => post.filePath?.endsWith('.mdx') ?? false;

export function gatingOf(post: Post): Gating {
  const access = post.data.access;
  let gates: string[];
  if (isMdx(post)) gates = membersOnlyTiers(post.body ?? '').map((tier) => gateTier(tier, access));
  else gates = hasRenderedGate(post.rendered?.html ?? '') ? [gateTier(undefined, access)] : [];
  const inline = gates.length > 0;
  const whole = !inline && access !== 'public';
  if (whole) gates = [access];
  return { access, inline, whole, gates, lowest: lowestAccess(gates), highest: highestAccess(gates) };
}

export const tagPath = (tag: string) => `/tags/${tagSlug(tag)}/`;

/** Every tag in use, keyed by slug, with its first spelling and its posts (newest first). */
export function tagsOf(posts: readonly Post[]): Map<string, { label: string; posts: Post[] }> {
  const tags = new Map<string, { label: string; posts: Post[] }>();
  for (const post of posts) {
    for (const tag of new Set(post.data.tags.map(tagSlug))) {
      const label = post.data.tags.find((t) => tagSlug(t) === tag) ?? tag;
      const entry = tags.get(tag) ?? { label, posts: [] };
      entry.posts.push(post);
      tags.set(tag, entry);
    }
  }
  return new Map([...tags].sort(([a], [b]) => a.localeCompare(b)));
}
