// A post's recording (frontmatter `audio` or `video`): where the file is, the URL the build publishes it
// at (src/pages/media/[post]/[name].ts), its type, size and length. The sealing pass seals it when the
// post's page uses it only inside a members-only part; the podcast feeds list it as an episode.

import { basename, dirname, resolve } from 'node:path';
import { mediaTypeOf } from '../core/media/types.ts';
export { mediaFacts } from '../config/media-facts.ts';
import type { Post } from './posts.ts';

export interface PostMedia {
  kind: 'audio' | 'video';
  /** The file on disk. */
  file: string;
  name: string;
  /** Where the build publishes it (before sealing). */
  url: string;
  type: string;
}

export const mediaUrl = (post: string, name: string) => `/media/${encodeURIComponent(post)}/${encodeURIComponent(name)}`;

export function mediaOf(post: Post): PostMedia | undefined {
  const relative = post.data.audio ?? post.data.video;
  if (!relative || !post.filePath) return undefined;
  // Astro gives a post's path relative to the project root, where every npm script runs.
  const file = resolve(dirname(resolve(post.filePath)), relative);
  const name = basename(file);
  return { kind: post.data.audio ? 'audio' : 'video', file, name, url: mediaUrl(post.id, name), type: mediaTypeOf(name) ?? 'application/octet-stream' };
}

/** 245.3 -> "4:05"; an hour or more -> "1:02:03". */
export function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
