// The Node AssetFetcher: answers a URL path from the files in dist/, the way a static host would. Content
// types from mrmime, a strong ETag from the bytes (so a rebuild that changes nothing keeps every cache
// valid), a year of cache for Astro's hashed /_astro/ files, index.html for directories, a 308 to the
// trailing-slash form, dist/404.html for what is missing, and nothing outside dist/ whatever the path says.
// fetch() always answers with the whole file (range() reads part of one, for sealed recordings): the core may read a page to open it, so 304s and compression
// are decided later, at the server, on the final response (http-cache.ts, compress.ts).
//
// Files up to 1 MB are held in memory with their ETag, within the server's cache budget (the core's byte-bounded Memo),
// so a page served again costs no stat(), open or read, and its bytes are not copied. What the server
// knows of a path is trusted for a second, then checked against the disk (size and mtime) again: a
// file changed or removed on disk is never served for longer than that.
//
// srvx's static middleware was considered: its ETags are weak (size and mtime) and it compresses and
// answers 304 inside the fetch, which would hand the core bytes it cannot read.

import { createHash } from 'node:crypto';
import { createReadStream, openAsBlob } from 'node:fs';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { lookup } from 'mrmime';
import { FastResponse } from 'srvx/node';
import type { AssetFetcher } from '../../core/ports.ts';
import { redirect } from '../../core/http/respond.ts';
import { Memo } from '../../core/memo.ts';

/** What the server keeps in memory by default for files and compressed bodies together. */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'public, max-age=0, must-revalidate';

/** Files up to this size are held in memory (within the cache's budget); larger ones stream from disk. */
export const MAX_FILE_BYTES_IN_MEMORY = 1024 * 1024;
/** How long what the server knows of a path is trusted before it looks at the disk again. */
export const REVALIDATE_MS = 1000;

export interface DistAssetsOptions {
  /** Files in memory (and, in the server, compressed bodies too), bounded in bytes. */
  cache?: Memo<object>;
  /** Default 1 s: a file changed on disk (size or mtime) is served fresh at most this long after. */
  revalidateMs?: number;
}

/** What the server knows of a path in dist/, from its last look at the disk. */
type Known =
  | { kind: 'dir'; checkedAt: number }
  | {
      kind: 'file';
      file: string;
      size: number;
      mtimeMs: number;
      etag: string;
      type: string;
      /** The whole file, or null for a file too large to hold (streamed from disk). */
      bytes: Uint8Array<ArrayBuffer> | null;
      checkedAt: number;
    };

/** A Buffer as a plain Uint8Array over the same memory (readFile gives each file a buffer of its own). */
const asBytes = (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) as Uint8Array<ArrayBuffer>;

/** Strong ETag from the bytes: the same file rebuilt keeps every cache valid. */
const etagOfBytes = (bytes: Uint8Array) => `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;

async function etagOfFile(file: string): Promise<string> {
  // Streamed, so a large public download is hashed without being held in memory.
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return `"${hash.digest('base64url').slice(0, 27)}"`;
}

function contentType(file: string): string {
  const type = lookup(path.extname(file)) ?? 'application/octet-stream';
  return /^text\/|\/(?:javascript|json|xml|rss\+xml|atom\+xml|manifest\+json|svg\+xml)$/.test(type) ? `${type}; charset=utf-8` : type;
}

/** The file a URL path names inside `root`, or null if the path is malformed or leaves `root`. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return null;
  // Dot files (.env, .git) are never part of a site; .well-known is the one exception.
  if (decoded.split('/').some((segment) => segment.startsWith('.') && segment !== '.well-known')) return null;
  const file = path.resolve(root, `.${path.posix.normalize(decoded)}`);
  return file === root || file.startsWith(root + path.sep) ? file : null;
}

/**
 * A file in memory as a response: srvx writes its bytes to the socket as they are. Its `body` is asked for
 * mostly to be cancelled (the core does so when it already holds the page it would make from the file),
 * and srvx's own getter would first copy the whole file into a Fetch Response (a tenth of a member's
 * request at 100 KB); this one is a stream that copies the bytes only if it is read.
 */
/** What a ranged read asks the disk for at a time: about four 256 KiB media chunks. */
const RANGE_READ_BYTES = 1024 * 1024;

/**
 * Bytes `start`..`last` of a file as a stream, read as it is pulled, a megabyte at a time. A Blob slice
 * hands them over 64 KiB at a time, and a sealed recording's chunks (256 KiB and a tag) span several of
 * those, so the core gathered each one by copying; within a megabyte it takes three in four as they lie
 * (src/core/media/byte-reader.ts), and the file is read in a sixteenth of the calls. The file is closed
 * when the range is read, cancelled, or fails.
 */
function fileRange(file: string, start: number, last: number): ReadableStream<Uint8Array<ArrayBuffer>> {
  let handle: FileHandle | undefined;
  let done = false;
  let at = start;
  const close = async () => {
    done = true;
    const h = handle;
    handle = undefined;
    await h?.close().catch(() => undefined);
  };
  return new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      async pull(controller) {
        try {
          if (!handle) {
            const opened = await open(file, 'r');
            // Cancelled while the file was being opened: close it now, or nothing ever would.
            if (done) return void (await opened.close().catch(() => undefined));
            handle = opened;
          }
          const want = Math.min(RANGE_READ_BYTES, last + 1 - at);
          const buffer = new Uint8Array(want);
          const { bytesRead } = await handle.read(buffer, 0, want, at);
          if (bytesRead === 0) throw new Error('the file ended before the range');
          at += bytesRead;
          controller.enqueue(bytesRead === want ? buffer : buffer.subarray(0, bytesRead));
          if (at > last) {
            await close();
            controller.close();
          }
        } catch (error) {
          await close();
          controller.error(error);
        }
      },
      cancel: close,
    },
    { highWaterMark: 0 },
  );
}

class MemoryFileResponse extends FastResponse {
  readonly #bytes: Uint8Array<ArrayBuffer>;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;

  constructor(bytes: Uint8Array<ArrayBuffer>, init: ResponseInit) {
    super(bytes, init);
    this.#bytes = bytes;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    const bytes = this.#bytes;
    this.#stream ??= new ReadableStream<Uint8Array<ArrayBuffer>>(
      {
        pull(controller) {
          controller.enqueue(bytes.slice());
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    return this.#stream;
  }
}

export function createDistAssets(distDir: string, options: DistAssetsOptions = {}): AssetFetcher {
  const root = path.resolve(distDir);
  const cache = options.cache ?? new Memo<object>(DEFAULT_CACHE_BYTES);
  const revalidateMs = options.revalidateMs ?? REVALIDATE_MS;
  const maxInMemory = Math.min(MAX_FILE_BYTES_IN_MEMORY, cache.maxBytes / 8);
  /** One look at the disk per path at a time, however many requests arrive for it together. */
  const looking = new Map<string, Promise<Known | null>>();

  async function look(file: string, key: string, held: Known | undefined): Promise<Known | null> {
    const now = Date.now();
    let s;
    try {
      s = await stat(file);
    } catch {
      cache.delete(key);
      return null;
    }
    if (s.isDirectory()) {
      const dir: Known = { kind: 'dir', checkedAt: now };
      cache.set(key, dir, key.length);
      return dir;
    }
    if (!s.isFile()) {
      cache.delete(key);
      return null;
    }
    if (held?.kind === 'file' && held.size === s.size && held.mtimeMs === s.mtimeMs) {
      held.checkedAt = now;
      return held;
    }
    // A file that changes between the stat and the read keeps the older mtime, so the next look reloads it.
    const bytes = s.size <= maxInMemory ? asBytes(await readFile(file)) : null;
    const known: Known = {
      kind: 'file',
      file,
      size: bytes ? bytes.byteLength : s.size,
      mtimeMs: s.mtimeMs,
      etag: bytes ? etagOfBytes(bytes) : await etagOfFile(file),
      type: contentType(file),
      bytes,
      checkedAt: now,
    };
    cache.set(key, known, key.length + (bytes?.byteLength ?? 0));
    return known;
  }

  /** What `file` is, from memory while it is fresh, else from the disk. */
  function find(file: string): Known | null | Promise<Known | null> {
    const key = `file:${file}`;
    const held = cache.get(key) as Known | undefined;
    if (held && Date.now() - held.checkedAt < revalidateMs) return held;
    let pending = looking.get(key);
    if (!pending) {
      pending = look(file, key, held).finally(() => looking.delete(key));
      looking.set(key, pending);
    }
    return pending;
  }

  async function respond(known: Extract<Known, { kind: 'file' }>, status: number, cacheControl: string): Promise<Response> {
    const headers = new Headers({
      'content-type': known.type,
      'content-length': String(known.size),
      etag: known.etag,
      'cache-control': cacheControl,
      'x-content-type-options': 'nosniff',
    });
    // Always the body, even for HEAD: the core may read a page to answer a HEAD, and Node's server drops
    // the body of a HEAD response itself. A file in memory goes out as the remembered bytes themselves:
    // srvx writes a FastResponse's Uint8Array to the socket without a copy, and whoever reads the body
    // as a Response gets a copy (the Fetch standard copies a BufferSource body), so none can change it.
    if (known.bytes) return new MemoryFileResponse(known.bytes, { status, headers }) as unknown as Response;
    return new Response(await openAsBlob(known.file), { status, headers });
  }

  async function notFound(): Promise<Response> {
    const page = await find(path.join(root, '404.html'));
    if (page?.kind === 'file') return respond(page, 404, 'no-cache');
    return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }

  return {
    async fetch(urlPath, request) {
      const pathname = urlPath.split('?')[0]!;
      const file = resolveInside(root, pathname);
      if (!file) return notFound();
      const found = await find(file);
      if (found?.kind === 'dir') {
        if (!pathname.endsWith('/')) {
          // Through the one redirect function: `//tags` must never answer `Location: //tags/` (another
          // host). Repeated leading slashes fold to one; anything else unsafe becomes `/`.
          return redirect(`${pathname.replace(/^\/+/, '/')}/${new URL(request.url).search}`, {}, 308);
        }
        const index = await find(path.join(file, 'index.html'));
        return index?.kind === 'file' ? respond(index, 200, REVALIDATE) : notFound();
      }
      if (found?.kind !== 'file') return notFound();
      const hashed = pathname.startsWith('/_astro/');
      return respond(found, 200, hashed ? IMMUTABLE : REVALIDATE);
    },
    // The core's ranged read of a sealed recording: only those bytes, read from disk as they are sent
    // (a Blob slice of the file), so a seek near the end of a long file reads no more than one at the start.
    async range(urlPath, _request, start, end) {
      const file = resolveInside(root, urlPath.split('?')[0]!);
      const found = file ? await find(file) : null;
      if (found?.kind !== 'file') return notFound();
      if (start >= found.size) return new Response(null, { status: 416, headers: { 'content-range': `bytes */${found.size}` } });
      const last = Math.min(end, found.size - 1);
      const body = found.bytes ? new Blob([found.bytes.subarray(start, last + 1)]).stream() : fileRange(found.file, start, last);
      return new Response(body, {
        status: 206,
        headers: { 'content-type': found.type, 'content-length': String(last - start + 1), 'content-range': `bytes ${start}-${last}/${found.size}`, etag: found.etag },
      });
    },
  };
}
