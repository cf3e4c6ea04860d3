import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { contentDir, loadSite } from './config/load.ts';
import { postSchema } from './config/post-schema.ts';

const dir = contentDir();
const tierIds = loadSite(dir).tiers.map((t) => t.id);

const posts = defineCollection({
  loader: glob({ pattern: '**/*.{md,mdx}', base: `${dir}/posts` }),
  schema: ({ image }) => postSchema(tierIds, image()),
});

export const collections = { posts };
