// The schema of a page's frontmatter (content/pages/*.md: about, shows, and the like, served at /<slug>/).

import { z } from 'zod';

export const pageSchema = z
  .object({
    title: z.string({ error: 'expected a title' }).trim().min(1, { error: 'expected a title, got an empty value' }).describe('The page\'s title.'),
    description: z.string({ error: 'expected text' }).trim().default('').describe('A sentence for search engines and link previews.'),
    draft: z.boolean({ error: 'expected true or false' }).default(false).describe('A draft is shown by `npm run dev` and never built for production.'),
    nav: z.union([z.boolean(), z.string().trim().min(1)], { error: 'expected true, false or a short label' }).default(true).describe('In the header menu: true (under its title), a shorter label like "About", or false to leave it out.'),
    order: z.number({ error: 'expected a number' }).default(0).describe('Menu position; lower comes first, then by file name.'),
    footer: z.boolean({ error: 'expected true or false' }).default(false).describe('Link this page in the footer, under "The fine print" (privacy, terms, refunds and the like). Such pages usually also say nav: false.'),
  })
  .strict();

export type PageFrontmatter = z.infer<typeof pageSchema>;

/** Addresses the site itself uses; a page named after one of them would collide with it. */
export const RESERVED_PAGE_SLUGS = ['posts', 'tags', 'membership', 'signin', '404', 'rss.xml', 'robots.txt', 'truefans-shell', 'truefans-feed.json', '_truefans', '_outbox', '_astro', 'search', 'pagefind'];
