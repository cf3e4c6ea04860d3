// The leak check: after sealing, no members-only text or asset may remain readable anywhere in the
// output. Text is compared normalised (tags stripped, entities and escapes decoded, case and punctuation
// folded) as runs of words: every aligned 6-word window of each gated fragment is indexed by a rolling
// hash, and every output file is scanned once with the same rolling hash. So the check is linear in the
// size of the output, and any copy of 11 or more consecutive gated words is found wherever it lands.
// Assets are found by their SHA-256 and by 64-byte fingerprints inside larger files; recordings by a
// fingerprint window from every 4 KiB, so a copy of any stretch of them is found.
// A leak is reported by file and post, never by quoting the members-only text (build logs may be public).
//
// Why typed arrays and no string per word: the index lives through the whole build and the scan reads
// every file. Held as a Map of small objects (an entry per window, a string per word: about 40 KB and
// thousands of objects per post), every garbage collection in the build process had to walk all of it,
// and the scan allocated a string per word it read, so collections came often: the per-post cost grew
// with the site (0.37 ms at 1,250 posts, 0.65-0.80 ms at 10,000). Now the index is one string per
// fragment plus flat arrays, and the scan hashes words in place, so the cost per post stays flat.

import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { decodeHTML } from 'entities';
import { SEALED_ENVELOPES } from '../core/gate/contract.ts';

const WINDOW = 6;
const MIN_WINDOW_CHARS = 24;
const MIN_WORDS = 4;
const B = 0x01000193;
const SPACE = 32;

function decodeEscapes(text: string): string {
  return text
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\[nrt]/g, ' ')
    .replace(/\\(.)/g, '$1');
}

const stripTags = (text: string) => text.replace(/<[^>]*>/g, ' ');

/** What a reader would see, in lower case; its words are the runs of letters and digits. */
function normalizedText(text: string): string {
  // Each decoder runs only where its syntax appears: most fragments have no escapes and few entities.
  let plain = text.includes('\\') ? decodeEscapes(text) : text;
  plain = stripTags(plain);
  if (plain.includes('&')) plain = stripTags(decodeHTML(plain));
  return plain.toLowerCase();
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
/** Letter-or-digit, by UTF-16 code unit, learnt on first sight: 0 not yet known, 1 yes, 2 no. */
const BMP_CLASS = new Uint8Array(65536);

function isWordChar(codePoint: number): boolean {
  if (codePoint < 128) return (codePoint >= 97 && codePoint <= 122) || (codePoint >= 48 && codePoint <= 57) || (codePoint >= 65 && codePoint <= 90);
  if (codePoint < 65536) {
    let known = BMP_CLASS[codePoint]!;
    if (!known) BMP_CLASS[codePoint] = known = WORD_CHAR.test(String.fromCharCode(codePoint)) ? 1 : 2;
    return known === 1;
  }
  return WORD_CHAR.test(String.fromCodePoint(codePoint));
}

/**
 * The words of a normalised text, as the match of /[\p{L}\p{N}]+/gu would find them, but as offsets
 * and FNV-1a hashes (over UTF-16 code units) in reused buffers: no string per word. Valid until the next
 * call; the scan is synchronous, so one set of buffers serves every call.
 */
let starts = new Int32Array(4096);
let ends = new Int32Array(4096);
let hashes = new Uint32Array(4096);

function splitWords(plain: string): number {
  let n = 0;
  const length = plain.length;
  let i = 0;
  while (i < length) {
    let unit = plain.charCodeAt(i);
    let width = 1;
    let codePoint = unit;
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < length) {
      const low = plain.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        codePoint = (unit - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        width = 2;
      }
    }
    if (!isWordChar(codePoint)) {
      i += width;
      continue;
    }
    const start = i;
    let h = 0x811c9dc5;
    for (;;) {
      h = Math.imul(h ^ unit, 0x01000193);
      if (width === 2) h = Math.imul(h ^ plain.charCodeAt(i + 1), 0x01000193);
      i += width;
      if (i >= length) break;
      unit = plain.charCodeAt(i);
      width = 1;
      codePoint = unit;
      if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < length) {
        const low = plain.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          codePoint = (unit - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      if (!isWordChar(codePoint)) break;
    }
    if (n === starts.length) {
      starts = grow(starts, new Int32Array(n * 2));
      ends = grow(ends, new Int32Array(n * 2));
      hashes = grow(hashes, new Uint32Array(n * 2));
    }
    starts[n] = start;
    ends[n] = i;
    hashes[n] = h >>> 0;
    n++;
  }
  return n;
}

function grow<T extends Int32Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Words of `text` after normalisation: what a reader would see, in lower case, without punctuation. */
export function normalizedWords(text: string): string[] {
  const plain = normalizedText(text);
  const n = splitWords(plain);
  return Array.from({ length: n }, (_, k) => plain.slice(starts[k], ends[k]));
}

function power(size: number): number {
  let p = 1;
  for (let i = 1; i < size; i++) p = Math.imul(p, B);
  return p >>> 0;
}

/**
 * The windows of one size: an open-addressing table from rolling hash to the first window with that
 * hash, and each window's fragment, its span in the fragment's text, and the next window with the same hash.
 */
class WindowTable {
  count = 0;
  #keys = new Uint32Array(1024);
  #slots = new Int32Array(1024);
  #entries = 0;
  #fragment = new Int32Array(1024);
  #from = new Int32Array(1024);
  #to = new Int32Array(1024);
  #next = new Int32Array(1024);

  add(hash: number, fragment: number, from: number, to: number): void {
    const e = this.#entries++;
    if (e === this.#fragment.length) {
      const size = e * 2;
      this.#fragment = grow(this.#fragment, new Int32Array(size));
      this.#from = grow(this.#from, new Int32Array(size));
      this.#to = grow(this.#to, new Int32Array(size));
      this.#next = grow(this.#next, new Int32Array(size));
    }
    this.#fragment[e] = fragment;
    this.#from[e] = from;
    this.#to[e] = to;
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const held = this.#slots[slot]!;
      if (held === 0) break;
      if (this.#keys[slot] === hash) {
        this.#next[e] = held;
        this.#slots[slot] = e + 1;
        return;
      }
      slot = (slot + 1) & mask;
    }
    this.#next[e] = 0;
    this.#keys[slot] = hash;
    this.#slots[slot] = e + 1;
    if (++this.count * 2 > this.#slots.length) this.#rehash();
  }

  #rehash() {
    const keys = this.#keys;
    const slots = this.#slots;
    this.#keys = new Uint32Array(keys.length * 2);
    this.#slots = new Int32Array(slots.length * 2);
    const mask = this.#slots.length - 1;
    for (let old = 0; old < slots.length; old++) {
      if (slots[old] === 0) continue;
      let slot = keys[old]! & mask;
      while (this.#slots[slot] !== 0) slot = (slot + 1) & mask;
      this.#keys[slot] = keys[old]!;
      this.#slots[slot] = slots[old]!;
    }
  }

  /** The first window (its number plus one) with this hash, or 0. */
  first(hash: number): number {
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const held = this.#slots[slot]!;
      if (held === 0 || this.#keys[slot] === hash) return held;
      slot = (slot + 1) & mask;
    }
  }

  next(window: number): number {
    return this.#next[window - 1]!;
  }

  fragmentOf(window: number): number {
    return this.#fragment[window - 1]!;
  }

  /** Is the window the same words as words `at`..`at + size` of `plain` (the current split)? */
  matches(window: number, text: string, plain: string, at: number, size: number): boolean {
    let p = this.#from[window - 1]!;
    const to = this.#to[window - 1]!;
    for (let j = 0; j < size; j++) {
      if (j > 0) {
        if (text.charCodeAt(p) !== SPACE) return false;
        p++;
      }
      for (let k = starts[at + j]!; k < ends[at + j]!; k++, p++) {
        if (p >= to || text.charCodeAt(p) !== plain.charCodeAt(k)) return false;
      }
    }
    return p === to;
  }
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
/** Windows kept per recording (4 MB of them): one per 4 KiB up to 256 MiB, spread evenly beyond. */
const MAX_MEDIA_WINDOWS = 65_536;
/** A window with fewer distinct byte values is too plain to say where it came from. */
const MIN_DISTINCT_BYTES = 24;

export class LeakIndex {
  /** window size -> its table */
  readonly #windows = new Map<number, WindowTable>();
  /** Each gated fragment's post, and its normalised words joined by single spaces. */
  readonly #posts: string[] = [];
  readonly #texts: string[] = [];
  readonly #assetHashes = new Map<string, { post: string; name: string }>();
  readonly #chunks = new Map<number, { bytes: Uint8Array; post: string; name: string }[]>();

  /** Indexes a members-only fragment (HTML or text) of `post`. */
  addText(post: string, html: string): void {
    const plain = normalizedText(html);
    const n = splitWords(plain);
    if (n < MIN_WORDS) return;
    const size = Math.min(WINDOW, n);
    let table = this.#windows.get(size);
    if (!table) this.#windows.set(size, (table = new WindowTable()));
    // Where each word starts in the joined text.
    const at = new Int32Array(n);
    const words: string[] = new Array(n);
    let offset = 0;
    for (let k = 0; k < n; k++) {
      words[k] = plain.slice(starts[k], ends[k]);
      at[k] = offset;
      offset += ends[k]! - starts[k]! + 1;
    }
    const fragment = this.#texts.length;
    this.#texts.push(words.join(' '));
    this.#posts.push(post);
    const add = (first: number) => {
      const from = at[first]!;
      const to = at[first + size - 1]! + ends[first + size - 1]! - starts[first + size - 1]!;
      if (to - from < MIN_WINDOW_CHARS) return;
      let h = 0;
      for (let k = first; k < first + size; k++) h = (Math.imul(h, B) + hashes[k]!) >>> 0;
      table.add(h, fragment, from, to);
    };
    for (let i = 0; i + size <= n; i += size) add(i);
    // The last words, so a copy of the end of a fragment is found too.
    if (n % size) add(n - size);
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

  /**
   * Fingerprints of a members-only recording, fed its plaintext a chunk at a time as it is sealed: the
   * SHA-256 of the whole file, and from every 4 KiB of it (at most MAX_MEDIA_WINDOWS, spread over the
   * file) one 64-byte window varied enough that no public file holds it by chance (silence, a run of zeros
   * or a repeated frame would match fonts and images). So a copy of any stretch of 8 KiB or more is found.
   */
  mediaFingerprints(post: string, name: string, bytes: number): { add(chunk: Uint8Array, offset: number): void; done(): void } {
    const hash = createHash('sha256');
    const every = Math.max(1, Math.ceil(bytes / CHUNK_STRIDE / MAX_MEDIA_WINDOWS));
    return {
      add: (chunk, offset) => {
        hash.update(chunk);
        for (let block = Math.ceil(offset / CHUNK_STRIDE) * CHUNK_STRIDE; block < offset + chunk.length; block += CHUNK_STRIDE) {
          if ((block / CHUNK_STRIDE) % every !== 0) continue;
          const end = Math.min(block + CHUNK_STRIDE, offset + chunk.length) - offset;
          for (let at = block - offset; at + CHUNK <= end; at += CHUNK) {
            const window = chunk.subarray(at, at + CHUNK);
            if (new Set(window).size < MIN_DISTINCT_BYTES) continue;
            const copy = window.slice();
            const h = bytesHash(copy, 0, CHUNK);
            const list = this.#chunks.get(h) ?? [];
            list.push({ bytes: copy, post, name });
            this.#chunks.set(h, list);
            break;
          }
        }
      },
      done: () => {
        this.#assetHashes.set(hash.digest('hex'), { post, name });
      },
    };
  }

  get size(): number {
    let n = this.#assetHashes.size;
    for (const table of this.#windows.values()) n += table.count;
    return n;
  }

  /** Leaks of members-only text in a text file's content. */
  scanText(file: string, text: string): Leak[] {
    if (this.#windows.size === 0) return [];
    // Sealed envelopes are ciphertext by construction (base64url, no spaces), so they are skipped;
    // a <template> holding anything else is scanned like all other text. The text between envelopes is
    // scanned piece by piece, each piece led by the last words of the one before, so a window across an
    // envelope is still seen, and no copy of the whole file is made (the private feed's template holds
    // every post's ciphertext: 49 MB at 10,000 posts, copied whole three times before).
    const found = new Map<string, Leak>();
    let carry = '';
    let from = 0;
    for (const envelope of text.matchAll(SEALED_ENVELOPES)) {
      carry = this.#scanPiece(file, carry, text.slice(from, envelope.index), found);
      from = envelope.index + envelope[0].length;
    }
    this.#scanPiece(file, carry, from === 0 ? text : text.slice(from), found);
    return [...found.values()];
  }

  /** Scans `carry` (normalised words) followed by `raw`; returns the last words, for the next piece. */
  #scanPiece(file: string, carry: string, raw: string, found: Map<string, Leak>): string {
    const plain = carry ? `${carry} ${normalizedText(raw)}` : normalizedText(raw);
    const n = splitWords(plain);
    for (const [size, table] of this.#windows) {
      if (n < size) continue;
      const top = power(size);
      let h = 0;
      for (let i = 0; i < size; i++) h = (Math.imul(h, B) + hashes[i]!) >>> 0;
      for (let i = 0; ; i++) {
        for (let window = table.first(h); window !== 0; window = table.next(window)) {
          const fragment = table.fragmentOf(window);
          if (table.matches(window, this.#texts[fragment]!, plain, i, size)) {
            const post = this.#posts[fragment]!;
            found.set(post, { file, post, kind: 'text' });
          }
        }
        if (i + size >= n) break;
        h = (Math.imul((h - Math.imul(hashes[i]!, top)) >>> 0, B) + hashes[i + size]!) >>> 0;
      }
    }
    // Windows are at most WINDOW words, so the last WINDOW - 1 words are all a later window can share
    // (and all the carry ever holds, however many pieces in a row have fewer words).
    return n === 0 ? '' : plain.slice(starts[Math.max(0, n - WINDOW + 1)], ends[n - 1]);
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

/**
 * The text of a Pagefind data file (`pagefind/**.pf_fragment`, `.pf_index`, `.pf_meta`, `.pf_filter`), which
 * Pagefind writes gzip-compressed, so that the leak check reads its words; undefined for any other file.
 */
export function searchFileText(file: string, bytes: Uint8Array): string | undefined {
  if (!/^pagefind\/.*\.pf_[a-z]+$/.test(file)) return undefined;
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch {
    // Not gzip: the raw bytes were already read as they are.
    return undefined;
  }
}
