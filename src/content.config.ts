import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'zod';
import { contentDir, loadSite } from './config/load.ts';
import { pageSchema } from './config/page-schema.ts';
import { postSchema } from './config/post-schema.ts';

const dir = contentDir();
const tierIds = loadSite(dir).tiers.map((t) => t.id);

const posts = defineCollection({
  loader: glob({ pattern: '**/*.{md,mdx}', base: `${dir}/posts` }),
  schema: ({ image }) => postSchema(tierIds, image()),
});

/** About and similar pages, served at /<slug>/. */
const pages = defineCollection({
  loader: glob({ pattern: '**/*.md', base: `${dir}/pages` }),
  schema: pageSchema,
});

/**
 * site.yaml read a second time, only so that Astro's image pipeline resolves the avatar (a path under
 * content/, wherever TRUEFANS_CONTENT_DIR points). Validation of the file is done by src/config.
 */
const siteMedia = defineCollection({
  loader: glob({ pattern: 'site.yaml', base: dir }),
  schema: ({ image }) =>
    z
      .object({
        author: z
          .object({
            avatar: z.preprocess((p) => (typeof p === 'string' && !/^\.{1,2}\//.test(p) ? `./${p}` : p), image()).optional(),
          })
          .loose(),
      })
      .loose(),
});

export const collections = { posts, pages, siteMedia };
