// The leak check: after sealing, no members-only text or asset may remain readable anywhere in the
// output. Text is compared normalised (tags stripped, entities and escapes decoded, case and punctuation
// folded) as runs of words: every aligned 6-word window of each gated fragment is indexed by a rolling
// hash, and every output file is scanned once with the same rolling hash. So the check is linear in the
// size of the output, and any copy of 11 or more consecutive gated words is found wherever it lands.
// Assets are found by their SHA-256 and by 64-byte fingerprints inside larger files.
// A leak is reported by file and post, never by quoting the members-only text (build logs may be public).

import { createHash } from 'node:crypto';
import { decodeHTML } from 'entities';
import { SEALED_ENVELOPES } from '../core/gate/contract.ts';

const WINDOW = 6;
const MIN_WINDOW_CHARS = 24;
const MIN_WORDS = 4;
const B = 0x01000193;

function decodeEscapes(text: string): string {
  return text
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\[nrt]/g, ' ')
    .replace(/\\(.)/g, '$1');
}

const stripTags = (text: string) => text.replace(/<[^>]*>/g, ' ');

/** Words of `text` after normalisation: what a reader would see, in lower case, without punctuation. */
export function normalizedWords(text: string): string[] {
  // Each decoder runs only where its syntax appears: most fragments have no escapes and few entities.
  let plain = text.includes('\\') ? decodeEscapes(text) : text;
  plain = stripTags(plain);
  if (plain.includes('&')) plain = stripTags(decodeHTML(plain));
  return plain.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function wordHash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function power(size: number): number {
  let p = 1;
  for (let i = 1; i < size; i++) p = Math.imul(p, B);
  return p >>> 0;
}

interface Entry {
  post: string;
  /** The fragment's words and where this window starts in them, to confirm a hash hit word by word. */
  words: readonly string[];
  at: number;
}

export interface Leak {
  /** The output file, relative to the output folder. */
  file: string;
  /** The post the members-only text or asset belongs to. */
  post: string;
  kind: 'text' | 'asset';
  /** For assets: the asset's file name. */
  asset?: string;
}

const CHUNK = 64;
const CHUNK_STRIDE = 4096;
const MAX_CHUNKS = 64;

export class LeakIndex {
  /** window size -> rolling hash -> fragments */
  readonly #windows = new Map<number, Map<number, Entry[]>>();
  readonly #assetHashes = new Map<string, { post: string; name: string }>();
  readonly #chunks = new Map<number, { bytes: Uint8Array; post: string; name: string }[]>();

  /** Indexes a members-only fragment (HTML or text) of `post`. */
  addText(post: string, html: string): void {
    const words = normalizedWords(html);
    if (words.length < MIN_WORDS) return;
    const size = Math.min(WINDOW, words.length);
    let bySize = this.#windows.get(size);
    if (!bySize) this.#windows.set(size, (bySize = new Map()));
    for (let i = 0; i + size <= words.length; i += size) this.#addWindow(bySize, post, words, i, size);
    // The last words, so a copy of the end of a fragment is found too.
    if (words.length % size) this.#addWindow(bySize, post, words, words.length - size, size);
  }

  #addWindow(table: Map<number, Entry[]>, post: string, words: readonly string[], at: number, size: number) {
    let chars = size - 1;
    let h = 0;
    for (let i = at; i < at + size; i++) {
      chars += words[i]!.length;
      h = (Math.imul(h, B) + wordHash(words[i]!)) >>> 0;
    }
    if (chars < MIN_WINDOW_CHARS) return;
    const list = table.get(h);
    if (list) list.push({ post, words, at });
    else table.set(h, [{ post, words, at }]);
  }

  /** Indexes a members-only asset's bytes (an image or a download). */
  addAsset(post: string, name: string, bytes: Uint8Array): void {
    this.#assetHashes.set(createHash('sha256').update(bytes).digest('hex'), { post, name });
    if (bytes.length < CHUNK * 2) return;
    let n = 0;
    for (let at = 0; at + CHUNK <= bytes.length && n < MAX_CHUNKS; at += CHUNK_STRIDE, n++) {
      const chunk = bytes.subarray(at, at + CHUNK);
      const h = bytesHash(chunk, 0, CHUNK);
      const list = this.#chunks.get(h) ?? [];
      list.push({ bytes: chunk, post, name });
      this.#chunks.set(h, list);
    }
  }

  get size(): number {
    let n = this.#assetHashes.size;
    for (const m of this.#windows.values()) n += m.size;
    return n;
  }

  /** Leaks of members-only text in a text file's content. */
  scanText(file: string, text: string): Leak[] {
    if (this.#windows.size === 0) return [];
    // Sealed envelopes are ciphertext by construction (base64url, no spaces), so they are skipped;
    // a <template> holding anything else is scanned like all other text.
    const words = normalizedWords(text.replace(SEALED_ENVELOPES, ''));
    const hashes = words.map(wordHash);
    const found = new Map<string, Leak>();
    for (const [size, table] of this.#windows) {
      if (words.length < size) continue;
      const top = power(size);
      let h = 0;
      for (let i = 0; i < size; i++) h = (Math.imul(h, B) + hashes[i]!) >>> 0;
      for (let i = 0; ; i++) {
        const hits = table.get(h);
        if (hits) {
          for (const hit of hits) {
            let same = true;
            for (let j = 0; j < size && same; j++) same = hit.words[hit.at + j] === words[i + j];
            if (same) found.set(hit.post, { file, post: hit.post, kind: 'text' });
          }
        }
        if (i + size >= words.length) break;
        h = (Math.imul((h - Math.imul(hashes[i]!, top)) >>> 0, B) + hashes[i + size]!) >>> 0;
      }
    }
    return [...found.values()];
  }

  /** Leaks of members-only asset bytes in any file. */
  scanBytes(file: string, bytes: Uint8Array): Leak[] {
    const whole = this.#assetHashes.get(createHash('sha256').update(bytes).digest('hex'));
    if (whole) return [{ file, post: whole.post, kind: 'asset', asset: whole.name }];
    if (this.#chunks.size === 0 || bytes.length < CHUNK) return [];
    const top = power(CHUNK);
    let h = bytesHash(bytes, 0, CHUNK);
    for (let i = 0; ; i++) {
      const hits = this.#chunks.get(h);
      if (hits) {
        for (const hit of hits) {
          if (hit.bytes.every((b, j) => bytes[i + j] === b)) return [{ file, post: hit.post, kind: 'asset', asset: hit.name }];
        }
      }
      if (i + CHUNK >= bytes.length) return [];
      h = (Math.imul((h - Math.imul(bytes[i]!, top)) >>> 0, B) + bytes[i + CHUNK]!) >>> 0;
    }
  }
}

function bytesHash(bytes: Uint8Array, from: number, length: number): number {
  let h = 0;
  for (let i = from; i < from + length; i++) h = (Math.imul(h, B) + bytes[i]!) >>> 0;
  return h;
}

const TEXT_EXT = /\.(html?|xml|xsl|json|js|mjs|cjs|css|txt|svg|map|webmanifest|md|csv|ics|rss|atom)$/i;

export function isTextFile(path: string): boolean {
  return TEXT_EXT.test(path);
}

export function describeLeaks(leaks: readonly Leak[], outDir: string): string {
  const lines = leaks.map((l) =>
    l.kind === 'text'
      ? `  - ${outDir}/${l.file}: members-only text of post "${l.post}" is readable here`
      : `  - ${outDir}/${l.file}: the members-only file "${l.asset}" of post "${l.post}" is readable here`,
  );
  return lines.join('\n');
}
