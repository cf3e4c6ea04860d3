// Conditional GETs, answered at the server on the final response: a public response with a strong ETag
// that the client already holds becomes a 304. Responses marked private or no-store (what the core sends
// with members-only content) are never turned into 304s here.

import { encodingFor, representationEtag } from './compress.ts';

/**
 * Does If-None-Match name this representation? Weak comparison (RFC 9110 §13.1.2). A tag the server
 * suffixed for a compressed body (`"abc-br"`, see compress.ts) names the same file.
 */
export function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((raw) => raw.trim().replace(/^W\//, '').replace(/-(?:br|gzip)"$/, '"') === bare);
}

const KEPT_ON_304 = ['etag', 'cache-control', 'vary', 'content-location', 'date', 'expires'];

export function notModified(request: Request, response: Response): Response {
  if ((request.method !== 'GET' && request.method !== 'HEAD') || response.status !== 200) return response;
  const etag = response.headers.get('etag');
  const cacheControl = response.headers.get('cache-control') ?? '';
  if (!etag || etag.startsWith('W/') || /\b(?:private|no-store)\b/.test(cacheControl)) return response;
  if (!matchesEtag(request.headers.get('if-none-match'), etag)) return response;
  // A body held in memory (srvx's FastResponse) needs no cancelling, and reading `.body` would copy it.
  if (!('_toNodeResponse' in response)) void response.body?.cancel();
  const headers = new Headers();
  for (const name of KEPT_ON_304) {
    const value = response.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  // The 304 names the representation the client holds: the compressed one, if it would be compressed.
  const encoding = encodingFor(request, response);
  headers.set('etag', representationEtag(etag, encoding));
  if (encoding) headers.append('vary', 'Accept-Encoding');
  return new Response(null, { status: 304, headers });
}
