// Building responses: our own pages inside the site's shell, redirects, and the cache headers that keep
// anything personal out of shared caches.

import type { View } from '../pages/views.ts';
import { renderShell } from '../pages/shell.ts';

/** For every response that carries members-only content or anything personal. */
export const PRIVATE = { 'cache-control': 'private, no-store', vary: 'Cookie' } as const;
/** For gated paths answered with the teaser: personal in principle (it depends on the cookie), so never shared. */
export const TEASER = { 'cache-control': 'private, no-cache', vary: 'Cookie' } as const;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "frame-ancestors 'none'",
  'referrer-policy': 'same-origin',
  ...PRIVATE,
};

export interface ResponseExtras {
  headers?: Record<string, string>;
  cookies?: readonly string[];
}

function applyExtras(headers: Headers, extras: ResponseExtras): Headers {
  for (const [k, v] of Object.entries(extras.headers ?? {})) headers.set(k, v);
  for (const c of extras.cookies ?? []) headers.append('set-cookie', c);
  return headers;
}

export function page(shell: string, view: View, status = 200, extras: ResponseExtras = {}): Response {
  return new Response(renderShell(shell, view.title, view.main), { status, headers: applyExtras(new Headers(PAGE_HEADERS), extras) });
}

/** 303 See Other: after a POST, the browser GETs `location`. */
export function redirect(location: string, extras: ResponseExtras = {}): Response {
  return new Response(null, { status: 303, headers: applyExtras(new Headers({ location, ...PRIVATE, 'referrer-policy': 'same-origin' }), extras) });
}

/** For pages with forms that post to this site: no referrer leaves for other sites, and Origin stays real. */
export const SAME_ORIGIN_REFERRER = { 'referrer-policy': 'same-origin' } as const;
