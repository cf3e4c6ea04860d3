// The podcast parts of an RSS 2.0 feed, shared by the private members feed (routes/feed.ts) and the
// public /podcast.xml: the iTunes namespace's channel and item tags that Apple Podcasts requires
// (channel: itunes:image, itunes:category, itunes:explicit, plus RSS's title, description, language,
// link; episode: title, enclosure with url, length and type, guid) and those podcast apps read
// (itunes:author, itunes:duration, itunes:block).

export const ITUNES_NS = 'http://www.itunes.com/dtds/podcast-1.0.dtd';

export function xml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

export interface PodcastChannel {
  author: string;
  /** An absolute URL of a JPEG or PNG (Apple asks for a square of 1400 to 3000 pixels). */
  image?: string | undefined;
  category: string;
  explicit: boolean;
  /** itunes:block: keep the feed out of every podcast directory (the private feed). */
  block?: boolean;
}

export interface PodcastEpisode {
  /** Absolute URL: for a members-only recording, the fan's own signed one. */
  url: string;
  type: string;
  /** Bytes. */
  length: number;
  seconds?: number | undefined;
  explicit: boolean;
  image?: string | undefined;
  author: string;
}

export function channelTags(c: PodcastChannel): string {
  return [
    `<itunes:author>${xml(c.author)}</itunes:author>`,
    c.image ? `<itunes:image href="${xml(c.image)}"/>` : '',
    `<itunes:category text="${xml(c.category)}"/>`,
    `<itunes:explicit>${c.explicit ? 'true' : 'false'}</itunes:explicit>`,
    c.block ? '<itunes:block>Yes</itunes:block>' : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function episodeTags(e: PodcastEpisode): string {
  return [
    `<enclosure url="${xml(e.url)}" length="${e.length}" type="${xml(e.type)}"/>`,
    `<itunes:author>${xml(e.author)}</itunes:author>`,
    e.image ? `<itunes:image href="${xml(e.image)}"/>` : '',
    e.seconds !== undefined ? `<itunes:duration>${Math.max(1, Math.round(e.seconds))}</itunes:duration>` : '',
    `<itunes:explicit>${e.explicit ? 'true' : 'false'}</itunes:explicit>`,
  ]
    .filter(Boolean)
    .join('\n');
}
