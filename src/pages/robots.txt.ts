// robots.txt: everything public may be crawled; the edge function's routes and page shell may not.

import type { APIContext } from 'astro';
import { site } from 'virtual:truefans/site';

export function GET(context: APIContext) {
  const base = context.site ?? new URL(site.url);
  const body = ['User-agent: *', 'Disallow: /_truefans/', 'Disallow: /truefans-shell/', '', `Sitemap: ${new URL('/sitemap-index.xml', base).href}`, ''].join('\n');
  return new Response(body, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
