// Small file-system helpers for the build output: list every file, map a file to its URL path, guess a
// content type. Paths are relative to the output folder and use forward slashes.

import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { mediaTypeOf } from '../core/media/types.ts';

export function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1).split('\\').join('/'))
    .sort();
}

/** `posts/a/index.html` -> `/posts/a/`; `404.html` -> `/404.html`. */
export function urlPathOf(file: string): string {
  if (file === 'index.html') return '/';
  if (file.endsWith('/index.html')) return `/${file.slice(0, -'index.html'.length)}`;
  return `/${file}`;
}

const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.avif': 'image/avif',
  '.gif': 'image/gif', '.svg': 'image/svg+xml', '.pdf': 'application/pdf', '.zip': 'application/zip',
  '.mp3': 'audio/mpeg', '.m4a': 'audio/mp4', '.wav': 'audio/wav', '.flac': 'audio/flac', '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.txt': 'text/plain; charset=utf-8', '.epub': 'application/epub+zip',
  '.json': 'application/json', '.csv': 'text/csv; charset=utf-8',
};

export function contentTypeOf(name: string): string {
  return mediaTypeOf(name) ?? TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}
