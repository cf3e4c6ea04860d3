// Turns an export's posts into content/posts/<slug>.md (frontmatter and Markdown), downloading their images
// into content/posts/<slug>/. A dry run plans the same and writes nothing. Nothing is ever overwritten: a
// post whose file exists is left as it is, and an image that cannot be fetched keeps its original URL.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { fetchImage, imageName, type ImageLimits } from './images.ts';
import { imagesOf, replaceImages, toMarkdown } from './markdown.ts';
import type { SourcePost } from './types.ts';

export interface PostOutcome {
  file: string;
  access: string;
  draft: boolean;
  state: 'written' | 'planned' | 'exists';
  images: number;
}

export interface ImageFailure {
  url: string;
  file: string;
  why: string;
}

export interface WriteResult {
  posts: PostOutcome[];
  downloaded: number;
  failed: ImageFailure[];
}

function frontmatter(post: SourcePost, cover: string | undefined): string {
  const data: Record<string, unknown> = { title: post.title, date: post.date.toISOString() };
  if (post.description) data.description = post.description;
  if (post.tags.length) data.tags = post.tags;
  if (post.access !== 'public') data.access = post.access;
  if (post.draft) data.draft = true;
  if (cover) {
    data.cover = cover;
    if (post.coverAlt) data.cover_alt = post.coverAlt;
  }
  return `---\n${stringify(data, { lineWidth: 0 })}---\n`;
}

export async function writePosts(
  posts: readonly SourcePost[],
  options: { contentDir: string; root: string; write: boolean; limits: ImageLimits; fetch?: typeof fetch },
): Promise<WriteResult> {
  const postsDir = join(options.contentDir, 'posts');
  const result: WriteResult = { posts: [], downloaded: 0, failed: [] };
  const slugs = new Set<string>();
  let fetched = 0;
  for (const post of posts) {
    let slug = post.slug;
    for (let i = 2; slugs.has(slug); i++) slug = `${post.slug}-${i}`;
    slugs.add(slug);
    const path = join(postsDir, `${slug}.md`);
    const file = relative(options.root, path).split('\\').join('/');
    let markdown = toMarkdown(post.html);
    const urls = [...imagesOf(markdown), ...(post.cover ? [post.cover] : [])].filter((u, i, all) => all.indexOf(u) === i && /^https?:\/\//i.test(u));
    const outcome: PostOutcome = { file, access: post.access, draft: post.draft, state: options.write ? 'written' : 'planned', images: urls.length };
    result.posts.push(outcome);
    if (existsSync(path)) {
      outcome.state = 'exists';
      continue;
    }
    if (!options.write) continue;
    const moved = new Map<string, string>();
    const names = new Set<string>();
    for (const url of urls) {
      if (fetched >= options.limits.maxCount) {
        result.failed.push({ url, file, why: `over the limit of ${options.limits.maxCount} images in one run; run again after this one` });
        continue;
      }
      fetched++;
      const got = await fetchImage(url, options.limits, options.fetch);
      if (!got.ok) {
        result.failed.push({ url, file, why: got.why });
        continue;
      }
      const name = imageName(url, got.ext, names);
      mkdirSync(join(postsDir, slug), { recursive: true });
      writeFileSync(join(postsDir, slug, name), got.bytes);
      moved.set(url, `./${slug}/${name}`);
      result.downloaded++;
    }
    markdown = replaceImages(markdown, moved);
    const cover = post.cover ? moved.get(post.cover) : undefined;
    mkdirSync(postsDir, { recursive: true });
    writeFileSync(path, `${frontmatter(post, cover)}${markdown}`, { flag: 'wx' });
  }
  return result;
}
