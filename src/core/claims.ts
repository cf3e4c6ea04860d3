// Claim first, then act: a single-use thing (a sign-in link, a webhook event) is marked as taken before any
// slow call, and the claim is released if the work fails, so it can be tried again. Claims are held in the
// isolate's memory (so concurrent requests reaching one instance are serialised even without a store) and,
// with a store, through its putIfAbsent (atomic or not: see KeyValueStore.atomic and docs/configuration.md).

import type { App } from './context.ts';
import { Memo } from './memo.ts';

/** Per isolate; bounded in bytes (about 10,000 claims), so a flood of distinct keys cannot grow it. */
export type LocalClaims = Memo<number>;
export const createLocalClaims = (): LocalClaims => new Memo<number>(4 * 1024 * 1024);

/** True if this caller now holds `key` for `ttlSeconds`; false if someone else does. */
export async function claim(app: App, key: string, ttlSeconds: number): Promise<boolean> {
  const now = app.now();
  const held = app.claims.get(key);
  if (held !== undefined && held > now) return false;
  app.claims.set(key, now + ttlSeconds * 1000);
  if (!app.store) return true;
  let won = false;
  try {
    won = await app.store.putIfAbsent(key, String(Math.floor(now / 1000)), { ttlSeconds });
  } finally {
    // Another instance holds it (or the store failed): this isolate does not.
    if (!won) app.claims.set(key, 0);
  }
  return won;
}

/** Gives a claim back after the work failed, so a retry can take it. */
export async function release(app: App, key: string): Promise<void> {
  app.claims.set(key, 0);
  if (app.store) await app.store.delete(key).catch(() => undefined);
}

/** Keeps a claim for longer once the work is done (an event handled stays handled for days). */
export async function keep(app: App, key: string, ttlSeconds: number): Promise<void> {
  app.claims.set(key, app.now() + ttlSeconds * 1000);
  if (app.store) await app.store.put(key, '1', { ttlSeconds });
}
