// The public podcast feed, /podcast.xml, made when posts have recordings: each public post's recording is
// an episode anyone can play; a members-only one is listed as a teaser (its description and a link to the
// post) with no enclosure, since its file is sealed and its URL must not be public. The members' own
// feeds (src/core/routes/feed.ts) carry the episodes each fan's tier opens.

import { getImage } from 'astro:assets';
import { site } from 'virtual:truefans/site';
import { channelTags, episodeTags, ITUNES_NS, xml } from '../core/podcast-xml.ts';
import { getAvatar } from './avatar.ts';
import { mediaFacts, mediaOf } from './media.ts';
import { gatingOf, postPath, type Post } from './posts.ts';

export const PODCAST_PATH = '/podcast.xml';

export const hasEpisodes = (posts: readonly Post[]) => posts.some((p) => mediaOf(p));

export async function publicPodcast(posts: readonly Post[], base: URL): Promise<string> {
  const abs = (path: string) => new URL(path, base).href;
  const avatar = await getAvatar();
  const image = avatar ? abs((await getImage({ src: avatar, format: 'jpg' })).src) : undefined;
  const items: string[] = [];
  for (const post of posts) {
    const media = mediaOf(post);
    if (!media) continue;
    const open = gatingOf(post).gates.length === 0;
    const cover = post.data.cover ? abs((await getImage({ src: post.data.cover, format: 'jpg' })).src) : undefined;
    const facts = open ? await mediaFacts(media.file) : undefined;
    const description = open ? post.data.description : `${post.data.description} This episode is for members: join to listen.`.trim();
    items.push(`<item>
<title>${xml(post.data.title)}</title>
<link>${xml(abs(postPath(post)))}</link>
<guid isPermaLink="true">${xml(abs(postPath(post)))}</guid>
<pubDate>${post.data.date.toUTCString()}</pubDate>
<description>${xml(description)}</description>${
      facts
        ? `\n${episodeTags({ url: abs(media.url), type: media.type, length: facts.size, seconds: facts.seconds, explicit: post.data.explicit, image: cover, author: site.author.name })}`
        : `\n<itunes:explicit>${post.data.explicit ? 'true' : 'false'}</itunes:explicit>`
    }
</item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="${ITUNES_NS}">
<channel>
<title>${xml(site.title)}</title>
<link>${xml(abs('/'))}</link>
<description>${xml(site.description || `Recordings by ${site.author.name}`)}</description>
<language>${xml(site.language)}</language>
${channelTags({ author: site.author.name, image, category: site.podcast.category, explicit: site.podcast.explicit })}
${items.join('\n')}
</channel>
</rss>
`;
}
