// The Node AssetFetcher: answers a URL path from the files in dist/, the way a static host would. Content
// types from mrmime, a strong ETag from the bytes (so a rebuild that changes nothing keeps every cache
// valid), a year of cache for Astro's hashed /_astro/ files, index.html for directories, a 308 to the
// trailing-slash form, dist/404.html for what is missing, and nothing outside dist/ whatever the path says.
// It always answers with the whole file: the core may read a page to open it, so 304s and compression
// are decided later, at the server, on the final response (http-cache.ts, compress.ts).
//
// srvx's static middleware was considered: its ETags are weak (size and mtime) and it compresses and
// answers 304 inside the fetch, which would hand the core bytes it cannot read.

import { createHash } from 'node:crypto';
import { createReadStream, openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { lookup } from 'mrmime';
import type { AssetFetcher } from '../../core/ports.ts';
import { redirect } from '../../core/http/respond.ts';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'public, max-age=0, must-revalidate';

interface FileInfo {
  file: string;
  size: number;
  mtimeMs: number;
  etag: string;
}

/** Strong ETags by file, recomputed only when a file's size or mtime changes. */
const etags = new Map<string, { size: number; mtimeMs: number; etag: string }>();

async function etagOf(file: string, size: number, mtimeMs: number): Promise<string> {
  const known = etags.get(file);
  if (known && known.size === size && known.mtimeMs === mtimeMs) return known.etag;
  // Streamed, so a large public download is hashed without being held in memory.
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  const digest = hash.digest('base64url').slice(0, 27);
  const etag = `"${digest}"`;
  etags.set(file, { size, mtimeMs, etag });
  return etag;
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

async function find(file: string): Promise<{ kind: 'file'; info: FileInfo } | { kind: 'dir' } | null> {
  try {
    const s = await stat(file);
    if (s.isDirectory()) return { kind: 'dir' };
    if (!s.isFile()) return null;
    return { kind: 'file', info: { file, size: s.size, mtimeMs: s.mtimeMs, etag: await etagOf(file, s.size, s.mtimeMs) } };
  } catch {
    return null;
  }
}

export function createDistAssets(distDir: string): AssetFetcher {
  const root = path.resolve(distDir);

  async function respond(info: FileInfo, status: number, cacheControl: string): Promise<Response> {
    const headers = new Headers({
      'content-type': contentType(info.file),
      'content-length': String(info.size),
      etag: info.etag,
      'cache-control': cacheControl,
      'x-content-type-options': 'nosniff',
    });
    // Always the body, even for HEAD: the core may read a page to answer a HEAD, and Node's server drops
    // the body of a HEAD response itself.
    return new Response(await openAsBlob(info.file), { status, headers });
  }

  async function notFound(): Promise<Response> {
    const page = await find(path.join(root, '404.html'));
    if (page?.kind === 'file') return respond(page.info, 404, 'no-cache');
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
        return index?.kind === 'file' ? respond(index.info, 200, REVALIDATE) : notFound();
      }
      if (found?.kind !== 'file') return notFound();
      const hashed = pathname.startsWith('/_astro/');
      return respond(found.info, 200, hashed ? IMMUTABLE : REVALIDATE);
    },
  };
}
