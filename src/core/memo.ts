// A small least-recently-used map, bounded by entry count and by total size, for per-isolate memos: session
// tokens already verified, sealed parts already opened. Each is keyed by the exact bytes it was computed
// from, so a hit can only ever return what the full check would have returned for that input.

export class Memo<V> {
  readonly #map = new Map<string, { value: V; size: number }>();
  readonly #maxEntries: number;
  readonly #maxSize: number;
  #size = 0;

  constructor(maxEntries: number, maxSize = Number.POSITIVE_INFINITY) {
    this.#maxEntries = maxEntries;
    this.#maxSize = maxSize;
  }

  get(key: string): V | undefined {
    const hit = this.#map.get(key);
    if (!hit) return undefined;
    this.#map.delete(key);
    this.#map.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V, size = 1): void {
    if (size > this.#maxSize) return;
    const old = this.#map.get(key);
    if (old) {
      this.#size -= old.size;
      this.#map.delete(key);
    }
    this.#map.set(key, { value, size });
    this.#size += size;
    while (this.#map.size > this.#maxEntries || this.#size > this.#maxSize) {
      const [oldest, entry] = this.#map.entries().next().value!;
      this.#map.delete(oldest);
      this.#size -= entry.size;
    }
  }

  get size(): number {
    return this.#map.size;
  }
}
