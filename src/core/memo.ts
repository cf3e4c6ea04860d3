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

export class Memo<V> {
  readonly #map = new Map<string, { value: V; bytes: number }>();
  readonly maxBytes: number;
  #bytes = 0;

  constructor(maxBytes: number) {
    if (!(maxBytes >= 0)) throw new RangeError(`a memo's size must be a number of bytes of 0 or more, got ${maxBytes}`);
    this.maxBytes = maxBytes;
  }

  get(key: string): V | undefined {
    const hit = this.#map.get(key);
    if (!hit) return undefined;
    this.#map.delete(key);
    this.#map.set(key, hit);
    return hit.value;
  }

  /** Keeps `value` (holding `valueBytes`), evicting the least recently used; too big to fit: not kept. */
  set(key: string, value: V, valueBytes = 0): void {
    this.delete(key);
    const bytes = ENTRY_OVERHEAD + stringBytes(key) + valueBytes;
    if (bytes > this.maxBytes) return;
    this.#map.set(key, { value, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#map) {
      if (this.#bytes <= this.maxBytes) break;
      this.#map.delete(oldest);
      this.#bytes -= entry.bytes;
    }
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
