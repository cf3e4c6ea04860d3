// The Cloudflare adapter: a Worker with static assets. Cloudflare serves dist/ itself and runs this Worker
// first only on gated pages and the /_truefans/ routes (run_worker_first, written by emit.ts); the static
// page the core opens comes from the ASSETS binding.

import { createHandler } from '../../core/handler.ts';
import type { EdgeEnv, Handler } from '../../core/ports.ts';
import { kvStore, type KVNamespaceLike } from './kv-store.ts';

interface Env {
  ASSETS: { fetch(request: Request): Promise<Response> };
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
    env: vars,
    // A plain GET of the path: the page is read as built, never as a conditional or cookie-bearing request.
    assets: { fetch: (path, request) => env.ASSETS.fetch(new Request(new URL(path, request.url))) },
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
