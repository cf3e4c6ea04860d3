// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import sitemap from '@astrojs/sitemap';
import truefans from './src/integration/index.ts';

// Everything a creator edits is in content/; this file stays as it is.
export default defineConfig({
  output: 'static',
  trailingSlash: 'always',
  integrations: [
    mdx(),
    // The edge function's page shell and the 404 page are not pages to index.
    sitemap({ filter: (page) => !/\/(truefans-shell|404)\/$/.test(new URL(page).pathname) }),
    truefans(),
  ],
  // Tests build fixture sites side by side; each gets its own cache.
  cacheDir: process.env.TRUEFANS_CACHE_DIR,
});
