// The Netlify adapter: an Edge Function (Deno). Netlify serves dist/ from its CDN and invokes this only on
// gated pages and the /_truefans/ routes (declared in .netlify/v1/config.json by emit.ts). The page the
// core opens is the one the CDN would have served, read with context.next(); other files of the deploy
// (the manifest, sealed blobs) are fetched from the CDN, where no edge function runs on them.

import { createHandler } from '../../core/handler.ts';
import type { Handler } from '../../core/ports.ts';

/** The parts of Netlify's edge `Context` this adapter uses. */
interface NetlifyContext {
  next(options?: { sendConditionalRequest?: boolean }): Promise<Response>;
  waitUntil?(promise: Promise<unknown>): void;
}

declare const Netlify: { env: { toObject(): Record<string, string> } };

const contexts = new WeakMap<Request, NetlifyContext>();
let handler: Handler | undefined;

function samePage(a: string, b: string): boolean {
  const strip = (p: string) => p.replace(/index\.html$/, '');
  return strip(a) === strip(b);
}

export default function truefans(request: Request, context: NetlifyContext): Promise<Response> {
  handler ??= createHandler({
    env: Netlify.env.toObject(),
    assets: {
      fetch(assetPath, req) {
        const ctx = contexts.get(req);
        // The CDN's own copy of this request's page, without conditional headers, so it is always whole.
        if (ctx && samePage(assetPath, new URL(req.url).pathname)) return ctx.next({ sendConditionalRequest: false });
        return fetch(new URL(assetPath, req.url));
      },
    },
  });
  contexts.set(request, context);
  return handler(request, { waitUntil: (promise) => context.waitUntil?.(promise) });
}
