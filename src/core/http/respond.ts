// Building responses: our own pages inside the site's shell, redirects, and the cache headers that keep
// anything personal out of shared caches.

import type { View } from '../pages/views.ts';
import { renderShell } from '../pages/shell.ts';
import { safeReturnPath } from './return-to.ts';

/** For every response that carries members-only content or anything personal. */
export const PRIVATE = { 'cache-control': 'private, no-store', vary: 'Cookie' } as const;
/** For gated paths answered with the teaser: personal in principle (it depends on the cookie), so never shared. */
export const TEASER = { 'cache-control': 'private, no-cache', vary: 'Cookie' } as const;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // The rest of the security headers (the CSP among them) come from security-headers.ts, in the handler.
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
  return htmlPage(renderShell(shell, view.title, view.main), status, extras);
}

/** A whole page of the function's, already rendered (the built sign-in page, for one). */
export function htmlPage(html: string, status = 200, extras: ResponseExtras = {}): Response {
  return new Response(html, { status, headers: applyExtras(new Headers(PAGE_HEADERS), extras) });
}

/**
 * Every redirect the project makes goes through here (the core's routes and the Node adapter's trailing
 * slash). `path` can only become a same-site path: anything a browser could read as another host
 * (`//evil`, `/\\evil`, control characters, a scheme) becomes `/`. 303 after a POST; 308 for a moved path.
 */
export function redirect(path: string, extras: ResponseExtras = {}, status: 303 | 308 = 303): Response {
  return locationResponse(safeReturnPath(path), status, extras);
}

/**
 * The one exception: a redirect to Stripe's hosted checkout or billing portal, whose URL Stripe made. Only
 * an absolute http(s) URL without credentials passes; anything else is a programming error.
 */
export function redirectToStripe(url: string, extras: ResponseExtras = {}): Response {
  const parsed = new URL(url);
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.username || parsed.password) {
    throw new TypeError('redirectToStripe: expected an http(s) URL made by Stripe.');
  }
  return locationResponse(parsed.href, 303, extras);
}

function locationResponse(location: string, status: number, extras: ResponseExtras): Response {
  return new Response(null, { status, headers: applyExtras(new Headers({ location, ...PRIVATE, 'referrer-policy': 'same-origin' }), extras) });
}

/** For pages with forms that post to this site: no referrer leaves for other sites, and Origin stays real. */
export const SAME_ORIGIN_REFERRER = { 'referrer-policy': 'same-origin' } as const;
