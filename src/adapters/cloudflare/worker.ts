// The Cloudflare adapter: a Worker with static assets. Cloudflare serves dist/ itself and runs this Worker
// first only on gated pages and the /_truefans/ routes (run_worker_first, written by emit.ts); the static
// page the core opens comes from the ASSETS binding. Cron Triggers (triggers.crons, written by emit.ts) call
// scheduled(): the daily gift delivery cron (site.yaml `gifts`) delivers gifts due that day, and any other
// (the weekly_digest cron) runs the weekly digest, both through the core.

import { createStripeBilling } from '#billing';
import { createHandler } from '../../core/handler.ts';
import type { EdgeEnv, Handler, HandlerOptions } from '../../core/ports.ts';
import { createScheduledDigest, type ScheduledDigest } from '../../core/scheduled.ts';
import { createScheduledGifts, type ScheduledGifts } from '../../core/scheduled-gifts.ts';
import { GIFT_DELIVERY_CRON } from '../../core/gifts/rules.ts';
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

/** The Cron Trigger's event (Cloudflare's ScheduledController): which cron fired, and when it was due. */
interface ScheduledController {
  cron: string;
  scheduledTime: number;
}

function optionsFor(env: Env): HandlerOptions {
  const vars = Object.fromEntries(Object.entries(env).filter(([, value]) => typeof value === 'string')) as EdgeEnv;
  return {
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
  };
}

// One handler per isolate: env is the same object for every request an isolate serves, and the handler
// keeps its parsed manifest and derived keys between requests.
let current: { env: Env; handler: Handler } | undefined;

function handlerFor(env: Env): Handler {
  if (current?.env === env) return current.handler;
  const handler = createHandler(optionsFor(env));
  current = { env, handler };
  return handler;
}

let digest: { env: Env; scheduled: ScheduledDigest } | undefined;
let gifts: { env: Env; scheduled: ScheduledGifts } | undefined;

/** The ASSETS binding answers by path; the host only has to parse. The site's own address comes from SITE_URL or site.yaml. */
const ASSETS_ORIGIN = 'https://assets.invalid';

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    // Cloudflare sets CF-Connecting-IP itself on every request that reaches a Worker.
    const clientIp = request.headers.get('cf-connecting-ip') ?? undefined;
    return handlerFor(env)(request, { waitUntil: (promise) => ctx.waitUntil(promise), ...(clientIp ? { clientIp } : {}) });
  },
  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    // The digest's cron always names a weekday, so it is never the daily gift cron.
    if (controller.cron === GIFT_DELIVERY_CRON) {
      if (gifts?.env !== env) gifts = { env, scheduled: createScheduledGifts(optionsFor(env)) };
      const outcome = await gifts.scheduled.run(ASSETS_ORIGIN);
      console.log(`truefans: gift delivery (${controller.cron}): ${typeof outcome === 'number' ? `${outcome} sent` : outcome}`);
      return;
    }
    if (digest?.env !== env) digest = { env, scheduled: createScheduledDigest(optionsFor(env)) };
    const outcome = await digest.scheduled.run(ASSETS_ORIGIN);
    // The Worker's log (wrangler tail, Workers Logs) says what the trigger did; never a fan's data.
    console.log(`truefans: weekly digest (${controller.cron}): ${outcome}`);
  },
};
