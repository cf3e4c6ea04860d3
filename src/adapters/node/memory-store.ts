// A KeyValueStore in the server's memory. Right for one Node process (the self-hosted server is one); it
// forgets on restart, which only resets rate limits and webhook de-duplication.

import type { KeyValueStore } from '../../core/ports.ts';

export function createMemoryStore(now: () => number = Date.now, maxEntries = 100_000): KeyValueStore {
  const entries = new Map<string, { value: string; expires: number }>();
  return {
    async get(key) {
      const hit = entries.get(key);
      if (!hit) return null;
      if (hit.expires <= now()) {
        entries.delete(key);
        return null;
      }
      return hit.value;
    },
    async put(key, value, options) {
      entries.delete(key);
      entries.set(key, { value, expires: options?.ttlSeconds ? now() + options.ttlSeconds * 1000 : Infinity });
      // Oldest first: a flood of keys (say, sign-in attempts) cannot grow the process without bound.
      for (const old of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(old);
      }
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
