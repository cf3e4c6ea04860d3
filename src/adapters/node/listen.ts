// Serves a core Handler over Node's HTTP server (through srvx, which turns Node's request into a Web
// Request and back), answers conditional GETs and compresses on the final response, keeps `waitUntil`
// work alive, and closes gracefully: stop accepting, let in-flight requests and their background work
// finish, then cut what is left.

import { serve } from 'srvx';
import type { Handler } from '../../core/ports.ts';
import type { Memo } from '../../core/memo.ts';
import { createCompression } from './compress.ts';
import { notModified } from './http-cache.ts';
import { BODY_LIMITS } from '../../core/http/body.ts';

/**
 * The server's own limits, under the core's per-route body caps: no body past the largest cap (the
 * webhook's), headers within 16 KB, and a slow client (one byte a minute) cannot hold a request open.
 */
export const SERVER_LIMITS = {
  maxRequestBodySize: BODY_LIMITS.webhook,
  maxHeaderSize: 16 * 1024,
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 30_000,
} as const;

export interface ListenOptions {
  port?: number;
  host?: string;
  /** Trust X-Forwarded-Proto/Host/For from a reverse proxy you run in front (TLS termination). */
  trustProxy?: boolean | 'loopback';
  /** How long close() waits for in-flight requests before cutting connections. Milliseconds. */
  shutdownTimeoutMs?: number;
  /** Where compressed files are kept (the server shares it with the files); default: a cache of its own. */
  cache?: Memo<object>;
}

export interface ListeningServer {
  /** Where the server answers, e.g. `http://127.0.0.1:4321`. */
  url: string;
  /** Stops accepting, waits for in-flight requests and background work, then resolves. */
  close(): Promise<void>;
}

function internalError(): Response {
  return new Response('Something went wrong on our side. Please try again in a moment.', {
    status: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}

export async function listen(handler: Handler, options: ListenOptions = {}): Promise<ListeningServer> {
  let closing: Promise<void> | undefined;
  const compressResponse = createCompression(options.cache);
  const server = serve({
    port: options.port ?? 4321,
    hostname: options.host ?? '127.0.0.1',
    trustProxy: options.trustProxy ?? false,
    silent: true,
    maxRequestBodySize: SERVER_LIMITS.maxRequestBodySize,
    node: { maxHeaderSize: SERVER_LIMITS.maxHeaderSize, headersTimeout: SERVER_LIMITS.headersTimeoutMs, requestTimeout: SERVER_LIMITS.requestTimeoutMs },
    // The CLI owns the signals; a library must not install process-wide handlers.
    gracefulShutdown: false,
    async fetch(request) {
      // srvx's request.ip: the socket's address, or X-Forwarded-For's first hop only with trustProxy.
      const clientIp = (request as { ip?: string }).ip;
      const answer = await handler(request, { waitUntil: (p) => server.waitUntil?.(p.catch(() => undefined)), ...(clientIp ? { clientIp } : {}) });
      const response = await compressResponse(request, notModified(request, answer));
      // While shutting down, a kept-alive connection would hold close() open until it idles out; after a
      // 413 the rest of the upload was never read, so the connection cannot carry another request.
      if (!closing && response.status !== 413) return response;
      const headers = new Headers(response.headers);
      headers.set('connection', 'close');
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    },
    error(error) {
      // The core answers untrusted requests itself; reaching here is a bug. Log the kind, never a request.
      console.error(`truefans: unhandled error in the Node server: ${error instanceof Error ? error.name : typeof error}`);
      return internalError();
    },
  });
  await server.ready();

  const address = server.node!.server!.address();
  if (!address || typeof address === 'string') throw new Error('The Node server did not bind to a TCP port.');
  const host = address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.address;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  return {
    url,
    close() {
      closing ??= (async () => {
        const force = setTimeout(() => {
          const http = server.node?.server;
          if (http && 'closeAllConnections' in http) http.closeAllConnections();
        }, options.shutdownTimeoutMs ?? 10_000);
        try {
          await server.close(false);
        } finally {
          clearTimeout(force);
        }
      })();
      return closing;
    },
  };
}
