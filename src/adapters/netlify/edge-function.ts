// The Netlify adapter: an Edge Function (Deno). Netlify serves dist/ from its CDN and invokes this only on
// gated pages and the /_truefans/ routes (declared in .netlify/v1/config.json by emit.ts). The page the
// core opens is the one the CDN would have served for this request, read with context.next(); other
// files of the deploy (the manifest, sealed blobs, the page shell) are fetched from the CDN, where no edge
// function runs on them.

import { createHandler } from '../../core/handler.ts';
import { canonicalPath } from '../../core/http/canonical-path.ts';
import type { Handler } from '../../core/ports.ts';
import { LOOP_HEADER, loopDetected } from '../loop-guard.ts';

/** The parts of Netlify's edge `Context` this adapter uses. */
interface NetlifyContext {
  next(options?: { sendConditionalRequest?: boolean }): Promise<Response>;
  waitUntil?(promise: Promise<unknown>): void;
  /** The client's IP address, as Netlify's edge saw it. */
  ip?: string;
}

declare const Netlify: { env: { toObject(): Record<string, string> } };

// The contexts of requests in flight, by the canonical path of their page. The core asks for a gated
// page by its canonical path on a fresh Request, so this is how it finds "the request's own page": any
// in-flight context for that page yields the same static file from the CDN.
const inFlight = new Map<string, Set<NetlifyContext>>();
let handler: Handler | undefined;

function get(): Handler {
  handler ??= createHandler({
    env: Netlify.env.toObject(),
    assets: {
      fetch(assetPath, request) {
        const context = inFlight.get(canonicalPath(assetPath))?.values().next().value;
        // Without conditional headers, so the CDN always answers with the whole page.
        if (context) return context.next({ sendConditionalRequest: false });
        return fetch(new URL(assetPath, request.url), { headers: { [LOOP_HEADER]: '1' } });
      },
    },
  });
  return handler;
}

export default async function truefans(request: Request, context: NetlifyContext): Promise<Response> {
  if (request.headers.has(LOOP_HEADER)) return loopDetected();
  const key = canonicalPath(new URL(request.url).pathname);
  let contexts = inFlight.get(key);
  if (!contexts) inFlight.set(key, (contexts = new Set()));
  contexts.add(context);
  try {
    return await get()(request, { waitUntil: (promise) => context.waitUntil?.(promise), ...(context.ip ? { clientIp: context.ip } : {}) });
  } finally {
    contexts.delete(context);
    if (contexts.size === 0 && inFlight.get(key) === contexts) inFlight.delete(key);
  }
}
