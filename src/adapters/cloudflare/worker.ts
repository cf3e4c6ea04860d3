// The Cloudflare adapter: a Worker with static assets. Cloudflare serves dist/ itself and runs this Worker
// first only on gated pages and the /_truefans/ routes (run_worker_first, written by emit.ts); the static
// page the core opens comes from the ASSETS binding.

import { createStripeBilling } from '#billing';
import { createHandler } from '../../core/handler.ts';
import type { EdgeEnv, Handler } from '../../core/ports.ts';
import { kvStore, type KVNamespaceLike } from './kv-store.ts';

interface Env {
  /** Cloudflare's static assets binding: fetch() answers from the deployed assets, as the router would. */
  ASSETS: { fetch(input: Request | URL): Promise<Response> };
  TRUEFANS_KV?: KVNamespaceLike;
  [name: string]: unknown;
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

// One handler per isolate: env is the same object for every request an isolate serves, and the handler
// keeps its parsed manifest and derived keys between requests.
let current: { env: Env; handler: Handler } | undefined;

function handlerFor(env: Env): Handler {
  if (current?.env === env) return current.handler;
  const vars = Object.fromEntries(Object.entries(env).filter(([, value]) => typeof value === 'string')) as EdgeEnv;
  const handler = createHandler({
    billing: createStripeBilling,
    env: vars,
    // The platform's own static call, given a bare URL: a plain GET, never conditional or cookie-bearing.
    assets: {
      fetch: (path, request) => env.ASSETS.fetch(new URL(path, request.url)),
      // A sealed recording's chunks: the asset server answers a Range with 206 (workerd's asset router, as
      // the adapter contract runs it, does); were it to send the whole file, the core skips to the range.
      range: (path, request, start, end) => env.ASSETS.fetch(new Request(new URL(path, request.url), { headers: { range: `bytes=${start}-${end}` } })),
    },
    ...(env.TRUEFANS_KV ? { store: kvStore(env.TRUEFANS_KV) } : {}),
  });
  current = { env, handler };
  return handler;
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    // Cloudflare sets CF-Connecting-IP itself on every request that reaches a Worker.
    const clientIp = request.headers.get('cf-connecting-ip') ?? undefined;
    return handlerFor(env)(request, { waitUntil: (promise) => ctx.waitUntil(promise), ...(clientIp ? { clientIp } : {}) });
  },
};
