// Runs the built Vercel Edge Function in Vercel's edge-runtime (the `edge-runtime` package: the same VM
// and Web APIs `vercel dev` uses), behind a small stand-in for Vercel's router that reads the generated
// .vercel/output/config.json: routes in order, `handle: filesystem` serves .vercel/output/static, a route
// whose dest is a function dispatches into the runtime. The function's own fetches go back over
// 127.0.0.1 to this router, as on Vercel they go to the deployment's CDN.
//
// node test/adapters/runtimes/vercel-edge.ts <root>     (env: what the function sees as process.env)
// Prints one JSON line {"url": ...} when listening.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { build } from 'esbuild';
import { EdgeRuntime } from 'edge-runtime';
import { createHandler } from 'edge-runtime/dist/server/create-handler.js';
import { lookup } from 'mrmime';

const started = performance.now();
const root = process.argv[2]!;
const out = path.join(root, '.vercel/output');
const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')) as {
  routes: { src?: string; dest?: string; status?: number; handle?: string; caseSensitive?: boolean; headers?: Record<string, string>; continue?: boolean }[];
};

/** Each function directory, started in its own EdgeRuntime: ESM entry wrapped as a fetch-event script. */
const functions = new Map<string, ReturnType<typeof createHandler>>();
async function functionFor(dest: string) {
  const dir = path.join(out, 'functions', `${dest.replace(/^\//, '')}.func`);
  if (!existsSync(dir)) return undefined;
  let fn = functions.get(dir);
  if (!fn) {
    const vc = JSON.parse(readFileSync(path.join(dir, '.vc-config.json'), 'utf8')) as { runtime: string; entrypoint: string };
    if (vc.runtime !== 'edge') throw new Error(`${dir}: runtime ${vc.runtime} is not edge`);
    const script = await build({
      stdin: {
        contents: `import fn from ${JSON.stringify(path.join(dir, vc.entrypoint))};
addEventListener('fetch', (event) => event.respondWith(fn(event.request, { waitUntil: (p) => event.waitUntil(p) })));`,
        resolveDir: dir,
      },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
    });
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
    const runtime = new EdgeRuntime({
      initialCode: script.outputFiles[0]!.text,
      extend: (context) => Object.assign(context, { process: { env } }),
    });
    fn = createHandler({ runtime });
    functions.set(dir, fn);
  }
  return fn;
}

function staticFile(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.split('/').includes('..')) return undefined;
  const file = path.join(out, 'static', decoded);
  const candidates = decoded.endsWith('/') ? [path.join(file, 'index.html')] : [file];
  return candidates.find((f) => existsSync(f) && statSync(f).isFile());
}

function sendFile(res: ServerResponse, file: string, status = 200) {
  res.writeHead(status, { 'content-type': lookup(path.extname(file)) ?? 'application/octet-stream', 'cache-control': 'public, max-age=0, must-revalidate' });
  res.end(readFileSync(file));
}

async function route(req: IncomingMessage, res: ServerResponse) {
  const pathname = new URL(req.url ?? '/', 'http://x').pathname;
  for (const r of config.routes) {
    if (r.handle === 'filesystem') {
      const file = staticFile(pathname);
      if (file) return sendFile(res, file);
      continue;
    }
    if (!r.src || !new RegExp(r.src, r.caseSensitive ? '' : 'i').test(pathname)) continue;
    // A route with headers and continue: true adds them and matching goes on (Build Output API v3).
    if (r.headers) for (const [name, value] of Object.entries(r.headers)) res.setHeader(name, value);
    if (r.continue) continue;
    const fn = r.dest ? await functionFor(r.dest) : undefined;
    if (fn) return fn.handler(req, res);
    const file = r.dest ? staticFile(r.dest) : undefined;
    if (file) return sendFile(res, file, r.status ?? 200);
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('NOT_FOUND');
}

// Start every function's isolate before listening, so "listening" means ready to answer.
for (const r of config.routes) if (r.dest) await functionFor(r.dest);

const server = createServer((req, res) => {
  route(req, res).catch((error) => {
    console.error(error);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}`, startupMs: performance.now() - started }));
});
