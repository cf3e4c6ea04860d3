// The public feed: public posts in full, gated posts as their description only. A public post's body
// is cut at its first members-only part, so the feed never carries more than the page shows anyone.

import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { render } from 'astro:content';
import { site } from 'virtual:truefans/site';
import { firstGateIndex } from '../lib/post-gates.ts';
import { gatingOf, getPosts, isMdx, postPath, type Post } from '../lib/posts.ts';

/** Root-relative links and images made absolute, since feed readers have no page to resolve them against. */
function absolutize(html: string, base: URL): string {
  return html.replace(/(\s(?:href|src)=")\/(?!\/)/g, `$1${new URL('/', base).href}`);
}

/**
 * A public Markdown post's HTML, rendered the way its page renders it (so images resolve), and cut at
 * its first members-only part. Gated posts and MDX posts get no body in the feed: their description
 * stands in.
 */
async function content(post: Post, base: URL, container: AstroContainer): Promise<string | undefined> {
  const gating = gatingOf(post);
  if (gating.whole || isMdx(post)) return undefined;
  const { Content } = await render(post);
  const html = await container.renderToString(Content);
  const cut = firstGateIndex(html);
  if (cut < 0) return absolutize(html, base);
  const link = new URL(postPath(post), base).href;
  return `${absolutize(html.slice(0, cut), base)}<p><a href="${link}">The rest of this post is for members. Read it on the site.</a></p>`;
}

export async function GET(context: APIContext) {
  const base = context.site ?? new URL(site.url);
  const posts = await getPosts();
  const container = await AstroContainer.create();
  return rss({
    title: site.title,
    description: site.description || `Posts by ${site.author.name}`,
    site: base,
    trailingSlash: true,
    customData: `<language>${site.language}</language>`,
    items: await Promise.all(
      posts.map(async (post) => ({
        title: post.data.title,
        pubDate: post.data.date,
        description: post.data.description,
        link: postPath(post),
        categories: post.data.tags,
        content: await content(post, base, container),
      })),
    ),
  });
}
