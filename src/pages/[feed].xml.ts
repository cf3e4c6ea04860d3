// /podcast.xml, only for a site whose posts have recordings (src/lib/podcast.ts).
import type { APIContext, GetStaticPaths } from 'astro';
import { site } from 'virtual:truefans/site';
import { hasEpisodes, publicPodcast } from '../lib/podcast.ts';
import { getPosts } from '../lib/posts.ts';

export const getStaticPaths = (async () => (hasEpisodes(await getPosts()) ? [{ params: { feed: 'podcast' } }] : [])) satisfies GetStaticPaths;

export async function GET(context: APIContext) {
  const xml = await publicPodcast(await getPosts(), context.site ?? new URL(site.url));
  return new Response(xml, { headers: { 'Content-Type': 'application/rss+xml; charset=utf-8' } });
}
