// SCAFFOLDING, to delete when src/core/handler.ts lands: a handler that only reads from the AssetFetcher
// and echoes, so the runtime harnesses can be built before the real core exists.
import type { HandlerOptions, Handler } from '../../../src/core/ports.ts';

export function createHandler(options: HandlerOptions): Handler {
  return async (request, context) => {
    const url = new URL(request.url);
    if (url.pathname === '/_truefans/echo') {
      return Response.json({
        method: request.method,
        cookie: request.headers.get('cookie'),
        secret: options.env.TRUEFANS_SECRET ? 'set' : 'missing',
        store: Boolean(options.store),
        waitUntil: Boolean(context?.waitUntil),
      });
    }
    const asset = await options.assets.fetch(url.pathname.replace(/index\.html$/, ''), request);
    const body = await asset.text();
    return new Response(body, {
      status: asset.status,
      headers: { 'content-type': asset.headers.get('content-type') ?? 'text/plain', 'x-stand-in': '1', 'cache-control': 'private, no-store', vary: 'Cookie' },
    });
  };
}
