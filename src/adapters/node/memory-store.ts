// A KeyValueStore in the server's memory. Right for one Node process (the self-hosted server is one); it
// forgets on restart, which only resets rate limits and webhook de-duplication. putIfAbsent is atomic:
// it reads and writes in one synchronous step, and one process runs one JavaScript thread.

import type { KeyValueStore } from '../../core/ports.ts';
import { ENTRY_OVERHEAD, stringBytes } from '../../core/memo.ts';

/** What the store may hold by default: 16 MB, about 100,000 rate-limit and claim entries. */
export const DEFAULT_STORE_BYTES = 16 * 1024 * 1024;

export function createMemoryStore(now: () => number = Date.now, maxBytes = DEFAULT_STORE_BYTES): KeyValueStore {
  const entries = new Map<string, { value: string; expires: number; bytes: number }>();
  let held = 0;
  const drop = (key: string) => {
    const hit = entries.get(key);
    if (!hit) return;
    entries.delete(key);
    held -= hit.bytes;
  };
  const read = (key: string): string | null => {
    const hit = entries.get(key);
    if (!hit) return null;
    if (hit.expires <= now()) {
      drop(key);
      return null;
    }
    return hit.value;
  };
  const write = (key: string, value: string, options?: { ttlSeconds?: number }) => {
    drop(key);
    const bytes = ENTRY_OVERHEAD + stringBytes(key) + stringBytes(value);
    entries.set(key, { value, expires: options?.ttlSeconds ? now() + options.ttlSeconds * 1000 : Infinity, bytes });
    held += bytes;
    // Oldest written first, by bytes: a flood of keys (say, sign-in attempts) cannot grow the process without bound.
    for (const old of entries.keys()) {
      if (held <= maxBytes) break;
      drop(old);
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
      drop(key);
    },
  };
}
