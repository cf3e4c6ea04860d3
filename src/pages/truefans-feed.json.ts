// The index of posts for the private members feed. The build merges each post's sealed body into it,
// writes /_truefans/feed.json for the edge function, and removes this file from the output. A post's
// recording is named by its URL before sealing (the build maps it to the sealed file's route); with any
// recording, the index also carries the podcast channel's details.
import type { APIRoute } from 'astro';
import { getImage } from 'astro:assets';
import { site } from 'virtual:truefans/site';
import { getAvatar } from '../lib/avatar.ts';
import { mediaOf } from '../lib/media.ts';
import { getPosts } from '../lib/posts.ts';

export const GET: APIRoute = async () => {
  // The posts the pages publish, so `npm run send` can only find a post the build published.
  const posts = await getPosts();
  const items = await Promise.all(
    posts.map(async (p) => {
      const media = mediaOf(p);
      return {
        post: p.id,
        title: p.data.title,
        link: `/posts/${p.id}/`,
        date: p.data.date.toISOString(),
        description: p.data.description,
        access: p.data.access,
        ...(media
          ? { media: media.url, explicit: p.data.explicit, ...(p.data.cover ? { image: (await getImage({ src: p.data.cover, format: 'jpg' })).src } : {}) }
          : {}),
      };
    }),
  );
  const avatar = await getAvatar();
  const podcast = items.some((i) => 'media' in i)
    ? {
        author: site.author.name,
        category: site.podcast.category,
        explicit: site.podcast.explicit,
        ...(avatar ? { image: (await getImage({ src: avatar, format: 'jpg' })).src } : {}),
      }
    : undefined;
  return new Response(JSON.stringify({ title: site.title, link: site.url, items, ...(podcast ? { podcast } : {}) }), {
    headers: { 'Content-Type': 'application/json' },
  });
};
