// A least-recently-used map bounded by the bytes it holds, for per-isolate memos: session tokens already
// verified, sealed parts already opened, pages already built, feed checks, claims. Each is keyed by the
// exact bytes it was computed from, so a hit can only ever return what the full check would have
// returned for that input. A count of entries says nothing about memory (a session is 1 KB, an opened
// page 100 KB), so the bound is in bytes: what the caller says a value holds, plus its key and the
// map's own slot.

/** Per entry, besides its key and value: the record and the Map's slot, roughly. */
export const ENTRY_OVERHEAD = 96;

/** The bytes a string holds, at most (V8 and the other engines keep strings of one-byte text as Latin-1). */
export const stringBytes = (text: string): number => 2 * text.length;

export interface MemoOptions {
  /**
   * Keep a value only the second time its key is set within a while (the first time, only the key is
   * noted, in a small memo of its own). For large values most of which are asked for once: each one kept
   * and soon evicted is garbage the collector must copy and mark, and for 100 KB opened pages that churn
   * was most of a cold request's worst case (bench/cold.ts).
   */
  admitOnSecondUse?: boolean;
}

/** The bytes of keys a second-use memo notes, beside the values it holds. */
const SEEN_SHARE = 1 / 16;

/**
 * The key as a string of its own. A key made of slices of a larger string (an envelope's ends, a post's
 * name read from its page) can keep that whole string alive in V8, which shares a slice's storage with its
 * source: the memo of 100 KB opened parts, keyed by ~100 characters each, held the 100 KB pages as well,
 * and a memo of keys alone held 150 MB. JSON.parse always makes a new string.
 */
const ownKey = (key: string): string => JSON.parse(JSON.stringify(key)) as string;

export class Memo<V> {
  readonly #map = new Map<string, { value: V; bytes: number }>();
  readonly maxBytes: number;
  readonly #seen: Memo<true> | undefined;
  #bytes = 0;

  constructor(maxBytes: number, options: MemoOptions = {}) {
    if (!(maxBytes >= 0)) throw new RangeError(`a memo's size must be a number of bytes of 0 or more, got ${maxBytes}`);
    this.maxBytes = maxBytes;
    if (options.admitOnSecondUse) this.#seen = new Memo<true>(Math.floor(maxBytes * SEEN_SHARE));
  }

  get(key: string): V | undefined {
    const hit = this.#map.get(key);
    if (!hit) return undefined;
    this.#map.delete(key);
    this.#map.set(key, hit);
    return hit.value;
  }

  /**
   * Keeps `value` (holding `valueBytes`), evicting the least recently used; too big to fit: not kept. With
   * `admitOnSecondUse`, a key not held is only noted the first time.
   */
  set(key: string, value: V, valueBytes = 0): void {
    if (!this.note(key)) return;
    this.#seen?.delete(key);
    this.delete(key);
    const bytes = ENTRY_OVERHEAD + stringBytes(key) + valueBytes;
    if (bytes > this.maxBytes) return;
    this.#map.set(ownKey(key), { value, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#map) {
      if (this.#bytes <= this.maxBytes) break;
      this.#map.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }

  /**
   * Whether a value set for `key` now would be kept; with `admitOnSecondUse`, the first time a key is
   * asked about it is noted and the answer is no. For callers whose value costs work to make.
   */
  note(key: string): boolean {
    if (!this.#seen || this.#map.has(key) || this.#seen.get(key) !== undefined) return true;
    this.#seen.set(key, true);
    return false;
  }

  delete(key: string): void {
    const hit = this.#map.get(key);
    if (!hit) return;
    this.#map.delete(key);
    this.#bytes -= hit.bytes;
  }

  /** Entries held now. */
  get size(): number {
    return this.#map.size;
  }

  /** Bytes held now, keys and overhead included. */
  get bytes(): number {
    return this.#bytes;
  }
}
