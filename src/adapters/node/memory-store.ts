// A KeyValueStore in the server's memory. Right for one Node process (the self-hosted server is one); it
// forgets on restart, which only resets rate limits and webhook de-duplication. putIfAbsent is atomic:
// it reads and writes in one synchronous step, and one process runs one JavaScript thread.

import type { KeyValueStore } from '../../core/ports.ts';

export function createMemoryStore(now: () => number = Date.now, maxEntries = 100_000): KeyValueStore {
  const entries = new Map<string, { value: string; expires: number }>();
  const read = (key: string): string | null => {
    const hit = entries.get(key);
    if (!hit) return null;
    if (hit.expires <= now()) {
      entries.delete(key);
      return null;
    }
    return hit.value;
  };
  const write = (key: string, value: string, options?: { ttlSeconds?: number }) => {
    entries.delete(key);
    entries.set(key, { value, expires: options?.ttlSeconds ? now() + options.ttlSeconds * 1000 : Infinity });
    // Oldest first: a flood of keys (say, sign-in attempts) cannot grow the process without bound.
    for (const old of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(old);
    }
  };
  return {
    atomic: true,
    async get(key) {
      return read(key);
    },
    async put(key, value, options) {
      write(key, value, options);
    },
    async putIfAbsent(key, value, options) {
      // No await between the read and the write.
      if (read(key) !== null) return false;
      write(key, value, options);
      return true;
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
