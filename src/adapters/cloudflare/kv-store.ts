// Cloudflare KV as the core's optional KeyValueStore. Bind a namespace as TRUEFANS_KV to turn on the
// extras that need state (rate limits, webhook de-duplication, single-use links); without it the site
// works the same, only without them.
//
// KV is eventually consistent and has no conditional write (a write is visible elsewhere within about 60
// seconds; the last write wins), so putIfAbsent here is a read then a write: NOT atomic. The core also
// claims in the isolate's memory, so concurrent requests reaching one isolate are still serialised; two
// isolates (or two locations) racing within KV's propagation delay may both win. A Durable Object would
// make the claim atomic; see docs/configuration.md for why this version does not use one.

import type { KeyValueStore } from '../../core/ports.ts';

/** The part of Workers' KVNamespace this store uses. */
export interface KVNamespaceLike {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

/** KV refuses expirations shorter than 60 seconds. */
const KV_MIN_TTL = 60;

export function kvStore(kv: KVNamespaceLike): KeyValueStore {
  return {
    atomic: false,
    get: (key) => kv.get(key),
    async putIfAbsent(key, value, options) {
      if ((await kv.get(key)) !== null) return false;
      await kv.put(key, value, options?.ttlSeconds ? { expirationTtl: Math.max(KV_MIN_TTL, Math.ceil(options.ttlSeconds)) } : undefined);
      return true;
    },
    put: (key, value, options) =>
      kv.put(key, value, options?.ttlSeconds ? { expirationTtl: Math.max(KV_MIN_TTL, Math.ceil(options.ttlSeconds)) } : undefined),
    delete: (key) => kv.delete(key),
  };
}
