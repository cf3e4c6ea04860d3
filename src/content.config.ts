import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'zod';
import { contentDir, loadSite } from './config/load.ts';
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
  schema: z
    .object({
      /** The page's title. */
      title: z.string({ error: 'expected a title' }).trim().min(1, { error: 'expected a title, got an empty value' }),
      /** A sentence for search engines and link previews. */
      description: z.string({ error: 'expected text' }).trim().default(''),
      /** A draft is shown by `npm run dev` and never built for production. */
      draft: z.boolean({ error: 'expected true or false' }).default(false),
      /** In the header menu: true (under its title), a shorter label like "About", or false to leave it out. */
      nav: z.union([z.boolean(), z.string().trim().min(1)], { error: 'expected true, false or a short label' }).default(true),
      /** Menu position; lower comes first, then by file name. */
      order: z.number({ error: 'expected a number' }).default(0),
    })
    .strict(),
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
