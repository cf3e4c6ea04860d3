// The Vercel adapter: an Edge Function in the Build Output API (.vercel/output, written by emit.ts).
// Vercel serves the static output first; gated pages are not at their own paths there (emit.ts moves them
// under /_truefans/pages/, sealed as built), so their requests, and the /_truefans/ routes, fall through
// to this function. It reads the moved page, and every other file of the deploy, from the same CDN.

import { createStripeBilling } from '#billing';
import { createHandler } from '../../core/handler.ts';
import type { EdgeEnv, Handler } from '../../core/ports.ts';
import { LOOP_HEADER, loopDetected } from '../loop-guard.ts';
import { VERCEL_MOVED_PAGES_DIR } from '../../core/paths.ts';

/** The canonical paths whose pages emit.ts moved under VERCEL_MOVED_PAGES_DIR; baked in at bundle time. */
declare const __TRUEFANS_MOVED_PAGES__: readonly string[];
declare const process: { env: Record<string, string | undefined> };

interface VercelContext {
  waitUntil?(promise: Promise<unknown>): void;
}

const moved = new Set(__TRUEFANS_MOVED_PAGES__);
let handler: Handler | undefined;

export default function truefans(request: Request, context?: VercelContext): Promise<Response> {
  if (request.headers.has(LOOP_HEADER)) return Promise.resolve(loopDetected());
  handler ??= createHandler({
    billing: createStripeBilling,
    env: process.env as EdgeEnv,
    assets: {
      fetch: (assetPath, req) =>
        fetch(new URL(moved.has(assetPath) ? `${VERCEL_MOVED_PAGES_DIR}${assetPath}index.html` : assetPath, req.url), { headers: { [LOOP_HEADER]: '1' } }),
      // A sealed recording's chunks, asked of the CDN with Range; a whole-file answer is handled by the core.
      range: (assetPath, req, start, end) => fetch(new URL(assetPath, req.url), { headers: { [LOOP_HEADER]: '1', range: `bytes=${start}-${end}` } }),
    },
  });
  // Vercel sets X-Real-IP to the client's address, replacing any value the client sent.
  const clientIp = request.headers.get('x-real-ip') ?? undefined;
  return handler(request, { waitUntil: (promise) => context?.waitUntil?.(promise), ...(clientIp ? { clientIp } : {}) });
}
