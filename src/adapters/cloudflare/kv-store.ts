// Cloudflare KV as the core's optional KeyValueStore. Bind a namespace as TRUEFANS_KV to turn on the
// extras that need state (rate limits, webhook de-duplication, single-use links); without it the site
// works the same, only without them.

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
    get: (key) => kv.get(key),
    put: (key, value, options) =>
      kv.put(key, value, options?.ttlSeconds ? { expirationTtl: Math.max(KV_MIN_TTL, Math.ceil(options.ttlSeconds)) } : undefined),
    delete: (key) => kv.delete(key),
  };
}
