// The Netlify adapter: an Edge Function (Deno). Netlify serves dist/ from its CDN and invokes this only on
// gated pages and the /_truefans/ routes (declared in .netlify/v1/config.json by emit.ts). The request's
// own page is read with Netlify's context.next(), the file the CDN would have served at this URL; other
// files of the deploy (the manifest, sealed blobs, the page shell) are fetched from the CDN, where no edge
// function runs on them.

import { createStripeBilling } from '#billing';
import { createHandler } from '../../core/handler.ts';
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

let handler: Handler | undefined;

export default function truefans(request: Request, context: NetlifyContext): Promise<Response> {
  if (request.headers.has(LOOP_HEADER)) return Promise.resolve(loopDetected());
  handler ??= createHandler({
    billing: createStripeBilling,
    env: Netlify.env.toObject(),
    assets: {
      fetch: (path, req) => fetch(new URL(path, req.url), { headers: { [LOOP_HEADER]: '1' } }),
      // A sealed recording's chunks, asked of the CDN with Range; a whole-file answer is handled by the core.
      range: (path, req, start, end) => fetch(new URL(path, req.url), { headers: { [LOOP_HEADER]: '1', range: `bytes=${start}-${end}` } }),
    },
  });
  return handler(request, {
    // Netlify's Context: next() continues the request chain to the CDN's file for this URL, and sends the
    // visitor's conditional headers only with sendConditionalRequest: true; so this is always the whole page.
    page: { fetch: () => context.next({ sendConditionalRequest: false }) },
    waitUntil: (promise) => context.waitUntil?.(promise),
    ...(context.ip ? { clientIp: context.ip } : {}),
  });
}
