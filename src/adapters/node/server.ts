// The Node adapter: the one core handler over dist/ on a plain Node HTTP server. Every request goes to the
// handler, which decides from the manifest what is gated; whatever it reads from the deploy output comes
// from dist/ through createDistAssets. This is the server `npm start` and the Docker image run.

import { createStripeBilling } from '../../billing/stripe/index.ts';
import { createHandler } from '../../core/handler.ts';
import type { EdgeEnv, KeyValueStore } from '../../core/ports.ts';
import { Memo } from '../../core/memo.ts';
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
}

export type NodeServer = ListeningServer;

export function startNodeServer(options: NodeServerOptions): Promise<NodeServer> {
  const cache = new Memo<object>(options.cacheBytes ?? DEFAULT_CACHE_BYTES);
  const handler = createHandler({
    env: options.env ?? process.env,
    billing: createStripeBilling,
    assets: createDistAssets(options.distDir, { cache, ...(options.revalidateMs !== undefined ? { revalidateMs: options.revalidateMs } : {}) }),
    store: options.store ?? createMemoryStore(options.now),
    ...(options.now ? { now: options.now } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return listen(handler, { port: options.port, host: options.host, trustProxy: options.trustProxy, cache });
}
