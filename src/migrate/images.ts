// Downloads a post's images into content/ so the site no longer depends on the old platform, with caps on
// size and count. A failure never loses an image: the Markdown keeps its original URL and the report lists it.

import { extname } from 'node:path';

export interface ImageLimits {
  /** Bytes per image. */
  maxBytes: number;
  /** Images in one migration; beyond it, the rest keep their URLs. */
  maxCount: number;
  timeoutMs: number;
}

export const DEFAULT_LIMITS: ImageLimits = { maxBytes: 20 * 1024 * 1024, maxCount: 1000, timeoutMs: 30_000 };

const TYPES: Record<string, string> = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/gif': '.gif', 'image/webp': '.webp', 'image/avif': '.avif', 'image/svg+xml': '.svg' };

export type Fetched = { ok: true; bytes: Uint8Array; ext: string } | { ok: false; why: string };

/** One image, refused beyond `maxBytes` (by its Content-Length, then by what arrives). */
export async function fetchImage(url: string, limits: ImageLimits, fetchImpl: typeof fetch = fetch): Promise<Fetched> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, why: 'not a full URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, why: `not http(s) (${parsed.protocol})` };
  let response: Response;
  try {
    response = await fetchImpl(parsed, { signal: AbortSignal.timeout(limits.timeoutMs), redirect: 'follow' });
  } catch (error) {
    return { ok: false, why: (error as Error).name === 'TimeoutError' ? `no answer in ${limits.timeoutMs / 1000} s` : 'could not connect' };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { ok: false, why: `HTTP ${response.status}` };
  }
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const known = TYPES[type] ?? (/^\.(jpe?g|png|gif|webp|avif|svg)$/i.test(extname(parsed.pathname)) ? extname(parsed.pathname).toLowerCase() : undefined);
  if (!known) {
    await response.body?.cancel();
    return { ok: false, why: `not an image (${type || 'no type'})` };
  }
  const tooBig = { ok: false as const, why: `larger than ${Math.round(limits.maxBytes / 1024 / 1024)} MB` };
  if (Number(response.headers.get('content-length') ?? 0) > limits.maxBytes) {
    await response.body?.cancel();
    return tooBig;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > limits.maxBytes) return tooBig;
    chunks.push(chunk);
  }
  return { ok: true, bytes: Buffer.concat(chunks), ext: known === '.jpeg' ? '.jpg' : known };
}

/** A file name for an image from its URL: its own name, cleaned, with the extension its type says. */
export function imageName(url: string, ext: string, taken: Set<string>): string {
  let stem = 'image';
  try {
    stem = new URL(url).pathname.split('/').pop()!.replace(/\.[a-z0-9]+$/i, '');
  } catch {
    // keep "image"
  }
  stem = stem.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'image';
  let name = `${stem}${ext}`;
  for (let i = 2; taken.has(name); i++) name = `${stem}-${i}${ext}`;
  taken.add(name);
  return name;
}
