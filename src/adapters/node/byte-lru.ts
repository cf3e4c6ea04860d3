// A least-recently-used map bounded by the bytes its values hold, not by their number: the Node server
// keeps files and compressed bodies in memory, and a count says nothing about how much memory that is.
// A Map keeps insertion order, so moving a hit to the end and evicting from the front is LRU.

/** What the server keeps in memory by default for files and compressed bodies together. */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;
/** Per entry, besides its bytes: the key, the record and the Map's slot, roughly. */
const OVERHEAD = 256;

export class ByteLru<V> {
  readonly #entries = new Map<string, { value: V; bytes: number }>();
  #bytes = 0;

  readonly maxBytes: number;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
    if (!(maxBytes >= 0)) throw new RangeError(`the cache size must be a number of bytes of 0 or more, got ${maxBytes}`);
  }

  /** The bytes held now, overhead included. */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): V | undefined {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit.value;
  }

  /** Keeps `value`, counted as `bytes`, evicting the least recently used; too big to fit: not kept. */
  set(key: string, value: V, bytes: number): void {
    this.delete(key);
    const cost = bytes + OVERHEAD;
    if (cost > this.maxBytes) return;
    this.#entries.set(key, { value, bytes: cost });
    this.#bytes += cost;
    for (const [old, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(old);
      this.#bytes -= entry.bytes;
    }
  }

  delete(key: string): void {
    const hit = this.#entries.get(key);
    if (!hit) return;
    this.#entries.delete(key);
    this.#bytes -= hit.bytes;
  }
}
