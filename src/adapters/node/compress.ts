// Compresses the server's final responses with brotli or gzip (node:zlib) when the client accepts it and
// the body is text worth compressing. A compressed body is a different representation, so a strong ETag
// gets the encoding as a suffix (`"abc"` -> `"abc-br"`), which static-files.ts still recognises in
// If-None-Match. Compressed bytes of files with an ETag are kept in a small cache, so a public page is
// compressed once, not on every request.

import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import zlib from 'node:zlib';

const COMPRESSIBLE = /^text\/|^application\/(?:javascript|json|xml|rss\+xml|atom\+xml|manifest\+json|ld\+json)|^image\/svg\+xml/;
const MIN_BYTES = 1024;
const CACHE_BYTES = 32 * 1024 * 1024;
const CACHEABLE_BYTES = 2 * 1024 * 1024;

type Encoding = 'br' | 'gzip';

/** The client's preferred encoding we can produce, by q-value; brotli wins ties. */
export function negotiate(acceptEncoding: string | null): Encoding | null {
  if (!acceptEncoding) return null;
  let best: Encoding | null = null;
  let bestQ = 0;
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    const enc = name === 'br' ? 'br' : name === 'gzip' ? 'gzip' : null;
    if (enc && (q > bestQ || (q === bestQ && enc === 'br'))) {
      best = enc;
      bestQ = q;
    }
  }
  return best;
}

function compressor(encoding: Encoding) {
  // Quality 5 / level 6: most of the gain at a fraction of the CPU of the maximum settings.
  return encoding === 'br'
    ? zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } })
    : zlib.createGzip({ level: 6 });
}

/** An LRU of compressed bodies keyed by strong ETag and encoding, bounded by total bytes. */
const cache = new Map<string, Buffer>();
let cachedBytes = 0;

function remember(key: string, body: Buffer) {
  cache.set(key, body);
  cachedBytes += body.length;
  for (const [old, value] of cache) {
    if (cachedBytes <= CACHE_BYTES) break;
    cache.delete(old);
    cachedBytes -= value.length;
  }
}

/** The encoding this response would be sent in, or null to send it as it is. */
export function encodingFor(request: Request, response: Response): Encoding | null {
  const headers = response.headers;
  const length = headers.get('content-length');
  const encoding = negotiate(request.headers.get('accept-encoding'));
  const compress =
    encoding !== null &&
    response.status === 200 &&
    !headers.has('content-encoding') &&
    COMPRESSIBLE.test(headers.get('content-type') ?? '') &&
    !/\bno-transform\b/.test(headers.get('cache-control') ?? '') &&
    (length === null || Number(length) >= MIN_BYTES);
  return compress ? encoding : null;
}

/** The ETag of the representation sent: a strong tag gets the encoding as a suffix. */
export function representationEtag(etag: string, encoding: Encoding | null): string {
  return encoding && !etag.startsWith('W/') ? `${etag.slice(0, -1)}-${encoding}"` : etag;
}

export async function compressResponse(request: Request, response: Response): Promise<Response> {
  const headers = response.headers;
  const length = headers.get('content-length');
  const encoding = encodingFor(request, response);
  if (!encoding || !response.body || request.method === 'HEAD') return response;

  const out = new Headers(headers);
  out.delete('content-length');
  out.set('content-encoding', encoding);
  out.append('vary', 'Accept-Encoding');
  const etag = headers.get('etag');
  const strong = etag && !etag.startsWith('W/') ? etag : null;
  if (strong) out.set('etag', representationEtag(strong, encoding));

  if (strong && length !== null && Number(length) <= CACHEABLE_BYTES) {
    const key = `${encoding}:${strong}`;
    let body = cache.get(key);
    if (body) {
      cache.delete(key);
      cache.set(key, body);
    } else {
      body = await buffer(Readable.fromWeb(response.body as never).pipe(compressor(encoding)));
      remember(key, body);
    }
    out.set('content-length', String(body.length));
    return new Response(new Uint8Array(body), { status: response.status, statusText: response.statusText, headers: out });
  }

  const stream = Readable.fromWeb(response.body as never).pipe(compressor(encoding));
  return new Response(Readable.toWeb(stream) as ReadableStream, { status: response.status, statusText: response.statusText, headers: out });
}
