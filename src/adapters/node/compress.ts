// Compresses the server's final responses with brotli or gzip (node:zlib) when the client accepts it and
// the body is text worth compressing. A compressed body is a different representation, so a strong ETag
// gets the encoding as a suffix (`"abc"` -> `"abc-br"`), which static-files.ts still recognises in
// If-None-Match.
//
// Two kinds of response, two settings:
// - A file (a strong ETag, a known length): compressed once, at a high setting (brotli 11, gzip 9), and
//   kept by ETag and encoding in the server's byte-bounded cache, so every later request sends the
//   remembered bytes as they are. (Private responses with a strong ETag are kept the same way, compressed
//   at the dynamic setting.)
// - Anything else, such as a members-only page the core opened for this request: compressed per request
//   at settings meant for dynamic content (brotli 4, gzip 6), which give most of the saving for a few
//   percent of the CPU of the maximum settings (bench/serving.ts measures the trade). A body up to 2 MB
//   is compressed in one call on libuv's thread pool; a longer one is streamed.
//
// - A private response with a strong ETag sent as it is (a member's page, no Accept-Encoding): its bytes are
//   kept by ETag in the same cache too, so a later request sends them without reading the core's body
//   (which would copy 100 KB into a stream per request).
//
// Why compressing these pages cannot enable BREACH-style guessing. BREACH recovers a secret from the
// compressed size of a response that holds both the secret and text the attacker chooses (reflected
// from the request), by watching the length change as guesses match. Our pages hold no secret to guess:
// no CSRF token, session value, nonce or key is ever written into a page body (the session lives in an
// HttpOnly cookie, which is a header; forms are protected by Origin checks, not tokens in the page), and
// the core reflects no request text into an HTML body it compresses here. A member's page holds only
// what that member may read anyway. This argument breaks if a body ever carries a per-user secret (a
// CSRF or sign-in token, a feed token, an email address) next to anything the request controls (a query
// string, a form value, a path echoed back). Then that response must be sent uncompressed, with
// `Cache-Control: no-transform` (which this module honours), or the secret masked per response.
// Gated pages are kept compressed by their ETag (src/core/routes/gated-page.ts): the tag is a digest of
// the file and what the reader holds, so the kept bytes are the same for every reader holding the same
// things, and carry nothing of any one fan (no name, email or token): keeping them changes nothing above.

import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { FastResponse } from 'srvx/node';
import { Memo } from '../../core/memo.ts';
import { DEFAULT_CACHE_BYTES } from './static-files.ts';

const COMPRESSIBLE = /^text\/|^application\/(?:javascript|json|xml|rss\+xml|atom\+xml|manifest\+json|ld\+json)|^image\/svg\+xml/;
const MIN_BYTES = 1024;
/** Files up to this size are compressed once and kept; dynamic bodies up to it are compressed in one call. */
const WHOLE_BYTES = 2 * 1024 * 1024;
/** Above this, brotli 11 on first use would keep the first visitor waiting; 9 is several times faster. */
const HIGHEST_QUALITY_BYTES = 256 * 1024;

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

/**
 * Brotli's window, just large enough for a body of `size` bytes. The default (4 MB) makes each call
 * allocate and clear several MB: with 50 pages compressed at once on the thread pool that cost about
 * four times the compression itself (measured: 6.6 against 1.7 ms CPU per 100 KB page at quality 4).
 * A window that covers the whole body loses nothing: every earlier byte is still in reach.
 */
const windowFor = (size: number) => Math.min(22, Math.max(16, Math.ceil(Math.log2(size + 1))));

const brotliParams = (quality: number, size: number) => ({
  [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
  ...(size ? { [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size, [zlib.constants.BROTLI_PARAM_LGWIN]: windowFor(size) } : {}),
});

/** zlib settings: a file compressed once (high), or a body compressed for every request (dynamic). */
export const SETTINGS = {
  static: (size: number): Record<Encoding, zlib.BrotliOptions | zlib.ZlibOptions> => ({
    br: { params: brotliParams(size <= HIGHEST_QUALITY_BYTES ? 11 : 9, size) },
    gzip: { level: 9 },
  }),
  /** `size` 0: not known (a streamed body). */
  dynamic: (size: number): Record<Encoding, zlib.BrotliOptions | zlib.ZlibOptions> => ({
    br: { params: brotliParams(4, size) },
    gzip: { level: 6 },
  }),
};

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Compresses a whole body in one call, on libuv's thread pool. */
export async function compressBytes(bytes: Uint8Array, encoding: Encoding, options: zlib.BrotliOptions | zlib.ZlibOptions): Promise<Uint8Array<ArrayBuffer>> {
  const out = encoding === 'br' ? await brotli(bytes, options as zlib.BrotliOptions) : await gzip(bytes, options as zlib.ZlibOptions);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength) as Uint8Array<ArrayBuffer>;
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

/** Up to `limit` bytes of a stream: all of it (`rest` null), or what was read and the reader to go on with. */
async function readUpTo(body: ReadableStream<Uint8Array>, limit: number) {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total <= limit) {
    const { done, value } = await reader.read();
    if (done) return { chunks, total, rest: null };
    chunks.push(value);
    total += value.byteLength;
  }
  return { chunks, total, rest: reader };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

export type Compress = (request: Request, response: Response) => Promise<Response>;

/**
 * A private 200 with a strong ETag and a length (an opened gated page or a teaser): worth keeping as it
 * is. Files are public and already kept by static-files.ts within its own size rule (--cache-mb). A
 * member's page says `no-store`, which binds HTTP caches, not this server: the ETag names its bytes.
 */
function keepableAsIs(response: Response): string | null {
  const headers = response.headers;
  const etag = headers.get('etag');
  const length = headers.get('content-length');
  if (response.status !== 200 || !response.body || !/\bprivate\b/.test(headers.get('cache-control') ?? '')) return null;
  return etag && !etag.startsWith('W/') && length !== null && Number(length) <= WHOLE_BYTES ? etag : null;
}

/** The server's compression, keeping compressed files in `cache` (shared with the files themselves). */
export function createCompression(cache: Memo<object> = new Memo<object>(DEFAULT_CACHE_BYTES)): Compress {
  /** One compression per file and encoding at a time, however many requests ask for it together. */
  const compressing = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

  /** The response's bytes as they are, kept by its ETag: the body is read the first time only. */
  async function keptAsIs(response: Response): Promise<Response> {
    const etag = keepableAsIs(response);
    if (!etag) return response;
    const key = `identity:${etag}`;
    let bytes = cache.get(key) as Uint8Array<ArrayBuffer> | undefined;
    if (bytes) await response.body!.cancel();
    else {
      bytes = new Uint8Array(await response.arrayBuffer());
      cache.set(key, bytes, bytes.byteLength);
    }
    // srvx writes a FastResponse's Uint8Array to the socket without a copy.
    return new FastResponse(bytes, { status: response.status, statusText: response.statusText, headers: response.headers }) as unknown as Response;
  }

  return async function compressResponse(request, response) {
    if (request.method === 'HEAD') return response;
    const encoding = encodingFor(request, response);
    if (!encoding) return keptAsIs(response);
    const headers = response.headers;
    const length = headers.get('content-length');
    const out = new Headers(headers);
    out.delete('content-length');
    out.set('content-encoding', encoding);
    out.append('vary', 'Accept-Encoding');
    const etag = headers.get('etag');
    const strong = etag && !etag.startsWith('W/') ? etag : null;
    if (strong) out.set('etag', representationEtag(strong, encoding));
    const init = { status: response.status, statusText: response.statusText, headers: out };

    if (strong && length !== null && Number(length) <= WHOLE_BYTES) {
      // The key is the file's own ETag: the same bytes, whoever asks.
      const key = `${encoding}:${strong}`;
      let body = cache.get(key) as Uint8Array<ArrayBuffer> | undefined;
      if (!body) {
        let pending = compressing.get(key);
        if (!pending) {
          const shared = !/\b(?:private|no-store)\b/.test(headers.get('cache-control') ?? '');
          pending = (async () => {
            const bytes = new Uint8Array(await response.arrayBuffer());
            const compressed = await compressBytes(bytes, encoding, (shared ? SETTINGS.static : SETTINGS.dynamic)(bytes.byteLength)[encoding]);
            cache.set(key, compressed, compressed.byteLength);
            return compressed;
          })().finally(() => compressing.delete(key));
          compressing.set(key, pending);
        }
        body = await pending;
      }
      out.set('content-length', String(body.byteLength));
      // The remembered bytes as they are: srvx writes a FastResponse's Uint8Array without a copy.
      return new FastResponse(body, init) as unknown as Response;
    }

    if (!response.body) return response;
    const { chunks, total, rest } = await readUpTo(response.body, WHOLE_BYTES);
    const settings = SETTINGS.dynamic(rest ? 0 : total)[encoding];
    if (!rest) {
      const body = await compressBytes(concat(chunks, total), encoding, settings);
      out.set('content-length', String(body.byteLength));
      return new FastResponse(body, init) as unknown as Response;
    }
    const whole = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
      },
      async pull(controller) {
        const { done, value } = await rest.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel(reason) {
        return rest.cancel(reason);
      },
    });
    const stream = Readable.fromWeb(whole as never).pipe(encoding === 'br' ? zlib.createBrotliCompress(settings) : zlib.createGzip(settings));
    return new Response(Readable.toWeb(stream) as ReadableStream, init);
  };
}
