// Runs the built Netlify Edge Function in Deno, the runtime Netlify runs it in, behind a small stand-in for
// Netlify's CDN: requests matching the function's own inline `config` (path and excludedPath, compared
// with URLPattern as Netlify does) go to the function with a Netlify-shaped context; everything else, and
// context.next(), is served from dist/ the way the CDN would. Netlify.env reads this process's env.
//
// deno run --allow-net --allow-read --allow-env test/adapters/runtimes/netlify-deno.ts <root> <dist>
// Prints one JSON line {"url": ...} when listening.

declare const Deno: any;
export {};

const [root, dist] = Deno.args as [string, string];
const started = performance.now();

(globalThis as any).Netlify = {
  env: {
    get: (name: string) => Deno.env.get(name),
    has: (name: string) => Deno.env.has(name),
    toObject: () => Deno.env.toObject(),
  },
};

const mod = await import(`file://${root}/.netlify/v1/edge-functions/truefans.js`);
const fn = mod.default as (r: Request, c: unknown) => Promise<Response>;
const config = mod.config as { path: string | string[]; excludedPath?: string | string[] };
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const paths = list(config.path).map((p) => new URLPattern({ pathname: p }));
const excluded = list(config.excludedPath).map((p) => new URLPattern({ pathname: p }));

const HTML = 'text/html; charset=utf-8';
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8',
  json: 'application/json', xml: 'application/xml', png: 'image/png', jpg: 'image/jpeg', svg: 'image/svg+xml',
  bin: 'application/octet-stream', txt: 'text/plain; charset=utf-8', pdf: 'application/pdf', webp: 'image/webp',
};

async function file(path: string): Promise<Uint8Array<ArrayBuffer> | null> {
  try {
    const info = await Deno.stat(`${dist}${path}`);
    return info.isFile ? await Deno.readFile(`${dist}${path}`) : null;
  } catch {
    return null;
  }
}

/** The CDN: exact files, index.html for directories, a 301 to add the slash, 404.html for the rest. */
async function cdn(url: URL): Promise<Response> {
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  if (path.split('/').includes('..')) return new Response('Bad request', { status: 400 });
  const type = (p: string) => TYPES[p.split('.').pop() ?? ''] ?? 'application/octet-stream';
  const direct = path.endsWith('/') ? null : await file(path);
  if (direct) return new Response(direct, { headers: { 'content-type': type(path), 'cache-control': 'public, max-age=0, must-revalidate' } });
  const index = await file(`${path.replace(/\/?$/, '/')}index.html`);
  // Leading slashes folded: `Location: //posts/x/` would send a browser to another host. (This stands in
  // for Netlify's CDN, whose own redirects are Netlify's; the function's are checked by the contract.)
  if (index && !path.endsWith('/')) return new Response(null, { status: 301, headers: { location: `/${url.pathname.replace(/^\/+/, '')}/${url.search}` } });
  if (index) return new Response(index, { headers: { 'content-type': HTML, 'cache-control': 'public, max-age=0, must-revalidate' } });
  const missing = await file('/404.html');
  return new Response(missing ?? 'Not found', { status: 404, headers: { 'content-type': HTML } });
}

/** Netlify's `_headers` file in the publish directory: here only the `/*` rule the build writes. */
const fileHeaders: [string, string][] = [];
try {
  const text = new TextDecoder().decode(await Deno.readFile(`${dist}/_headers`));
  let all = false;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) all = line.trim() === '/*';
    else if (all && line.includes(':')) fileHeaders.push([line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]);
  }
} catch {
  // no _headers file
}

/** The CDN adds the file's headers to the static files it serves; the function sets its own. */
function withFileHeaders(response: Response): Response {
  const out = new Response(response.body, response);
  for (const [name, value] of fileHeaders) if (!out.headers.has(name)) out.headers.set(name, value);
  return out;
}

const pending = new Set<Promise<unknown>>();

Deno.serve(
  {
    hostname: '127.0.0.1',
    port: 0,
    onListen({ port }: { port: number }) {
      console.log(JSON.stringify({ url: `http://127.0.0.1:${port}`, startupMs: performance.now() - started }));
    },
  },
  async (request: Request) => {
    const url = new URL(request.url);
    const pathname = url.pathname;
    const matched = paths.some((p) => p.test({ pathname })) && !excluded.some((e) => e.test({ pathname }));
    if (!matched) return withFileHeaders(await cdn(url));
    const context = {
      next: (_options?: { sendConditionalRequest?: boolean }) => cdn(url),
      waitUntil: (promise: Promise<unknown>) => {
        pending.add(promise);
        promise.finally(() => pending.delete(promise));
      },
      cookies: { get: () => undefined },
      geo: {},
      ip: '127.0.0.1',
      requestId: crypto.randomUUID(),
      site: { id: 'local', name: 'local', url: url.origin },
      deploy: { id: 'local', context: 'dev', published: false },
    };
    return fn(request, context);
  },
);
