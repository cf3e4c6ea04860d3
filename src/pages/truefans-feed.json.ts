// The index of posts for the private members feed. The build merges each post's sealed body into it,
// writes /_truefans/feed.json for the edge function, and removes this file from the output.
import type { APIRoute } from 'astro';
import { site } from 'virtual:truefans/site';
import { getPosts } from '../lib/posts.ts';

export const GET: APIRoute = async () => {
  // The posts the pages publish, so `npm run send` can only find a post the build published.
  const posts = await getPosts();
  const items = posts.map((p) => ({
    post: p.id,
    title: p.data.title,
    link: `/posts/${p.id}/`,
    date: p.data.date.toISOString(),
    description: p.data.description,
    access: p.data.access,
  }));
  return new Response(JSON.stringify({ title: site.title, link: site.url, items }), {
    headers: { 'Content-Type': 'application/json' },
  });
};
