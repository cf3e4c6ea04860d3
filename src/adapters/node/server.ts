// The Node adapter: the one core handler over dist/ on a plain Node HTTP server. Every request goes to the
// handler, which decides from the manifest what is gated; whatever it reads from the deploy output comes
// from dist/ through createDistAssets. This is the server `npm start` and the Docker image run. With
// site.yaml `weekly_digest: true`, a timer (digest-timer.ts) sends the weekly digest, and with `gifts` on another
// (gift-timer.ts) delivers gifts emailed on a date, daily; both stop on close().

import { createStripeBilling } from '../../billing/stripe/index.ts';
import { createHandler } from '../../core/handler.ts';
import { Memo } from '../../core/memo.ts';
import type { EdgeEnv, HandlerOptions, KeyValueStore } from '../../core/ports.ts';
import { createScheduledDigest } from '../../core/scheduled.ts';
import { startDigestTimer } from './digest-timer.ts';
import { createScheduledGifts } from '../../core/scheduled-gifts.ts';
import { startGiftTimer } from './gift-timer.ts';
import { listen, type ListeningServer } from './listen.ts';
import { createMemoryStore } from './memory-store.ts';
import { createDistAssets, DEFAULT_CACHE_BYTES } from './static-files.ts';

export interface NodeServerOptions {
  /** The built site (`dist/`). */
  distDir: string;
  /** 0 picks a free port. Default 4321. */
  port?: number;
  /** Default 127.0.0.1; use 0.0.0.0 in a container. */
  host?: string;
  /** Environment for the core (TRUEFANS_SECRET, STRIPE_SECRET_KEY, ...). Default process.env. */
  env?: EdgeEnv;
  /** Default: an in-memory store, which is right for a single process. */
  store?: KeyValueStore;
  /** Trust X-Forwarded-* from a reverse proxy in front of this server. */
  trustProxy?: boolean | 'loopback';
  /** Injected clock for tests. Milliseconds. */
  now?: () => number;
  /** Injected fetch for tests (Stripe and email go through it). */
  fetch?: typeof fetch;
  /**
   * Memory for files and their compressed forms, in bytes, least recently used out first. Default 64 MB.
   * Files up to 1 MB (and 1/8 of this) are served from it; larger ones stream from disk.
   */
  cacheBytes?: number;
  /** How long a file in memory is served before the disk is checked for a change. Default 1000 ms. */
  revalidateMs?: number;
  /** How often the weekly digest's timer (and the gift delivery timer) checks whether it is due. Default hourly; tests make it short. */
  digestCheckMs?: number;
}

export type NodeServer = ListeningServer;

export async function startNodeServer(options: NodeServerOptions): Promise<NodeServer> {
  const cache = new Memo<object>(options.cacheBytes ?? DEFAULT_CACHE_BYTES);
  const core: HandlerOptions = {
    env: options.env ?? process.env,
    billing: createStripeBilling,
    assets: createDistAssets(options.distDir, { cache, ...(options.revalidateMs !== undefined ? { revalidateMs: options.revalidateMs } : {}) }),
    // One store for the pages and the digest, so its claim is shared.
    store: options.store ?? createMemoryStore(options.now),
    ...(options.now ? { now: options.now } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const server = await listen(createHandler(core), { port: options.port, host: options.host, trustProxy: options.trustProxy, cache });
  const timer = startDigestTimer(createScheduledDigest(core), {
    origin: server.url,
    now: options.now ?? Date.now,
    ...(options.digestCheckMs !== undefined ? { intervalMs: options.digestCheckMs } : {}),
  });
  const giftTimer = startGiftTimer(createScheduledGifts(core), {
    origin: server.url,
    now: options.now ?? Date.now,
    ...(options.digestCheckMs !== undefined ? { intervalMs: options.digestCheckMs } : {}),
  });
  return {
    url: server.url,
    async close() {
      await Promise.all([timer.stop(), giftTimer.stop()]);
      await server.close();
    },
  };
}
