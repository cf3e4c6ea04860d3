// Applies the Markdown `<!-- members -->` divider to every rendered post page, in dev and in the build.
import { defineMiddleware } from 'astro:middleware';
import { preview } from 'virtual:truefans/site';
import { wrapMembersDivider } from './integration/members-divider.ts';

export const onRequest = defineMiddleware(async (_context, next) => {
  const response = await next();
  if (!response.headers.get('content-type')?.includes('text/html')) return response;
  const wrapped = wrapMembersDivider(await response.text(), { preview });
  return new Response(wrapped, { status: response.status, statusText: response.statusText, headers: response.headers });
});
