// Reads content/ from disk and validates all of it at once: site.yaml, every post and page. Used by the
// Astro integration before the build and by `npm run check`, so both print the same messages.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { RESERVED_PAGE_SLUGS } from './page-schema.ts';
import { ContentError, parsePage, parsePost, parseSite } from './parse.ts';
import { checkBody } from './post-body.ts';
import type { PostFrontmatter } from './post-schema.ts';
import type { SiteConfig } from './site-schema.ts';

/** The content folder: `content/` beside the project, or TRUEFANS_CONTENT_DIR (used by test fixtures). */
export function contentDir(root = process.cwd()): string {
  return resolve(root, process.env.TRUEFANS_CONTENT_DIR ?? 'content');
}

export interface LoadedPost {
  /** Path for messages, relative to the project root (e.g. content/posts/hello.md). */
  file: string;
  data: PostFrontmatter;
  /** The post has a members divider (Markdown) or MembersOnly blocks (MDX): only part of it is gated. */
  inline: boolean;
}

export interface LoadedContent {
  dir: string;
  site: SiteConfig;
  posts: LoadedPost[];
  /** Mistakes that publish nothing, for the build and `npm run check` to print (see post-body.ts). */
  warnings: string[];
}

function display(root: string, path: string) {
  return relative(root, path).split('\\').join('/') || path;
}

export function loadSite(dir = contentDir(), root = process.cwd()): SiteConfig {
  const file = join(dir, 'site.yaml');
  const shown = display(root, file);
  if (!existsSync(file)) throw new ContentError([`${shown}: not found; every site needs one (see content/site.yaml in the example)`]);
  const site = parseSite(readFileSync(file, 'utf8'), shown);
  const missing: string[] = [];
  if (site.author.avatar && !existsSync(join(dir, site.author.avatar))) missing.push(`${shown}: author.avatar: no file at ${display(root, join(dir, site.author.avatar))}`);
  site.offers.forEach((offer, i) => {
    if (offer.file && !existsSync(join(dir, offer.file))) missing.push(`${shown}: offers[${i}].file: no file at ${display(root, join(dir, offer.file))}`);
  });
  if (missing.length) throw new ContentError(missing);
  return site;
}

/** Loads and validates everything; throws one ContentError listing every problem found. */
export function loadContent(dir = contentDir(), root = process.cwd()): LoadedContent {
  const site = loadSite(dir, root);
  const tierIds = site.tiers.map((t) => t.id);
  const problems: string[] = [];
  const warnings: string[] = [];
  const posts: LoadedPost[] = [];
  const checkFile = (path: string, file: string, source: string, kind: 'post' | 'page', access: string) => {
    const mdx = path.endsWith('.mdx');
    const found = checkBody({ file, source, kind, mdx, access, tierIds, fileExists: (p) => existsSync(resolve(dirname(path), p)) });
    problems.push(...found.errors);
    warnings.push(...found.warnings);
    return found;
  };
  const postsDir = join(dir, 'posts');
  const files = existsSync(postsDir) ? readdirSync(postsDir, { recursive: true, encoding: 'utf8' }) : [];
  for (const name of files.filter((f) => /\.(md|mdx)$/.test(f)).sort()) {
    const path = join(postsDir, name);
    const file = display(root, path);
    try {
      const source = readFileSync(path, 'utf8');
      const data = parsePost(source, file, tierIds, (cover) => existsSync(resolve(dirname(path), cover)));
      const found = checkFile(path, file, source, 'post', data.access);
      posts.push({ file, data, inline: found.inline });
    } catch (error) {
      if (error instanceof ContentError) problems.push(...error.problems);
      else throw error;
    }
  }
  const pagesDir = join(dir, 'pages');
  const pageFiles = existsSync(pagesDir) ? readdirSync(pagesDir, { recursive: true, encoding: 'utf8' }) : [];
  for (const name of pageFiles.filter((f) => f.endsWith('.md')).sort()) {
    const path = join(pagesDir, name);
    const file = display(root, path);
    const slug = name.replace(/\.md$/, '').split('\\').join('/').toLowerCase();
    if (RESERVED_PAGE_SLUGS.includes(slug.split('/')[0]!)) {
      problems.push(`${file}: the address /${slug}/ is used by the site itself; rename the file (for example to about-${slug}.md)`);
      continue;
    }
    try {
      const source = readFileSync(path, 'utf8');
      parsePage(source, file);
      checkFile(path, file, source, 'page', 'public');
    } catch (error) {
      if (error instanceof ContentError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length) throw new ContentError(problems);
  return { dir, site, posts, warnings };
}
