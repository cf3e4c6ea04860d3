// Benchmark: gated-page serving through the core handler, side by side with a public page of the same size
// from the same handler, for 10 KB and 100 KB pages. A signed-in member with a fresh cookie (the common
// case: no Stripe call), so what is measured is the gate itself: cookie HMAC check, page scan, AES-GCM open.
// Two gated variants:
//   gated: the steady state. The isolate has served this page to a fan holding the same things, so it
//          reuses the verified cookie and the opened page (keyed by the file's ETag, as static hosts send);
//   cold:  nothing remembered: every request brings a cookie and a page (with its own sealed part) the
//          isolate has not seen, and the file has no ETag: HMAC verify, decode, scan, AES-GCM open, encode.
//
// Reports throughput (requests/s, sequential), p50/p99 latency, and CPU time per gated request
// (process.cpuUsage around each request; mean and p99). Targets from issue 3: gated throughput at least
// 0.8x the public page, and at most 1 ms CPU per gated request at p99.
//
// Two modes, both with the same handler:
//   direct: the handler called in-process with a Web Request (what the core costs by itself);
//   http:   through the real Node adapter and a keep-alive fetch client in the same process, so both
//           variants also pay for HTTP, as they do behind the Node adapter (which is not this wrapper).
//
// Then cold requests each in a fresh handler, beside the public page the same way (coldFresh below).
//
// Run: node bench/edge.ts [--seconds 1] [--rounds 5] [--mode direct|http|both|cold] (BENCH_COLD_REQUESTS: 400)
// (results also go to bench/results/edge.json), or call benchEdge() from bench/run.ts.

import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { listen } from '../src/adapters/node/listen.ts';
import { createStripeBilling } from '../src/billing/stripe/index.ts';
import { createHandler } from '../src/core/handler.ts';
import { createKeyring } from '../src/core/crypto/keys.ts';
import { sealText } from '../src/core/crypto/seal.ts';
import type { Manifest } from '../src/core/manifest.ts';
import type { AssetFetcher } from '../src/core/ports.ts';
import { signSession } from '../src/core/tokens/session.ts';

export interface EdgeBenchOptions {
  /** Seconds per variant per round (default 1). */
  seconds?: number;
  /** Interleaved rounds (default 5). */
  rounds?: number;
  modes?: Array<'direct' | 'http'>;
}
export const SECRET = 'k3J9vQxW2mZpL8rT5yN1bH6cF4dS7gA0eU2iO9wE3qR';
export const ORIGIN = 'https://mira.example';

function prose(bytes: number): string {
  const sentence = '<p>We drove north through the snow, and the old song sounded new in the cold hall. </p>\n';
  return sentence.repeat(Math.ceil(bytes / sentence.length)).slice(0, bytes);
}

function layout(main: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Winter tour</title><link rel="stylesheet" href="/_astro/site.css"></head><body><header><a href="/">Mira Lune</a></header><main>${main}</main><footer>© Mira Lune</footer></body></html>`;
}

interface Site {
  /** Every file of the deploy by path (a page's path ends in a slash), for writing it out as a dist/. */
  files: ReadonlyMap<string, { body: Uint8Array; type: string }>;
  /** A session cookie's value for a paying fan, as the site at `origin` would sign it. */
  mint(origin: string, customer: string): Promise<string>;
  assets: AssetFetcher;
  /** The same files without ETags, for the cold variant. */
  bareAssets: AssetFetcher;
  cookie: string;
  /** Distinct cookies, more than the handler remembers. */
  coldCookies: string[];
  /** Distinct gated pages per size, more than the handler remembers. */
  coldPages: Record<string, string[]>;
  sizes: Record<string, { gated: number; public: number }>;
  /** Drops a cold page's file once it has been read, so the bench's own memory shrinks as it goes. */
  dropCold(path: string): void;
}

export interface SiteOptions {
  /** Gated cold pages per size (default: 12 MB of sealed parts, more than the handler remembers). */
  coldPages?: number;
}

/** More cookies and pages than the handler's memos hold (10,000 cookies; 8 MB of opened parts). */
const COLD_COOKIES = 12_000;
const coldPageCount = (size: number) => Math.ceil((12 * 1024 * 1024) / (size * 0.74));

/** The bench's deploy: gated and public pages of each size, and the cookies and pages the cold variant uses. */
export async function benchSite(sizes: number[], options: SiteOptions = {}): Promise<Site> {
  const keyring = await createKeyring(SECRET);
  const files = new Map<string, { body: Uint8Array<ArrayBuffer>; type: string; etag: string }>();
  const put = (path: string, body: string, type = 'text/html; charset=utf-8') => files.set(path, { body: new TextEncoder().encode(body), type, etag: `"${body.length.toString(16)}-${files.size}"` });
  const pages: Manifest['pages'] = {};
  const measured: Site['sizes'] = {};
  const coldPages: Site['coldPages'] = {};
  const teaser = `<h1>Winter tour</h1>${prose(1024)}`;
  const gatedPage = async (post: string, size: number) => {
    // The members-only part is most of the page, as in a real fully gated post.
    const sealed = await sealText(keyring, { kind: 'content', post, tier: 'members' }, prose(Math.floor((size - 1400) * 0.74)));
    pages[`/posts/${post}/`] = { post, title: 'Winter tour', access: ['members'] };
    return layout(`${teaser}<truefans-gate data-tier="members" data-post="${post}"><template data-truefans-envelope>${sealed}</template></truefans-gate><truefans-locked data-tier="members"><p>Join to read on.</p></truefans-locked>`);
  };
  for (const size of sizes) {
    const kb = `${size / 1024}kb`;
    const gated = await gatedPage(`tour-${kb}`, size);
    const open = layout(`${teaser}${prose(gated.length - layout(teaser).length)}`);
    put(`/posts/tour-${kb}/`, gated);
    put(`/posts/public-${kb}/`, open);
    measured[kb] = { gated: gated.length, public: open.length };
    coldPages[kb] = [];
    for (let i = 0; i < (options.coldPages ?? coldPageCount(size)); i++) {
      put(`/posts/cold-${kb}-${i}/`, await gatedPage(`cold-${kb}-${i}`, size));
      coldPages[kb].push(`/posts/cold-${kb}-${i}/`);
    }
  }
  const manifest: Manifest = {
    version: 1,
    kid: keyring.kid,
    builtAt: new Date().toISOString(),
    site: { title: 'Mira Lune', url: ORIGIN, author: 'Mira Lune', language: 'en', currency: 'usd', thankYou: 'Thank you.', fanGoal: 1000 },
    tiers: [{ id: 'supporter', name: 'Supporter', monthly: 700 }],
    offers: [],
    payWhatYouWant: null,
    pages,
    assets: {},
  };
  put('/_truefans/manifest.json', JSON.stringify(manifest), 'application/json');
  const now = Math.floor(Date.now() / 1000);
  const mint = (customer: string) => signSession(keyring, ORIGIN, { customer, ent: { tiers: ['supporter'], offers: [] }, checkedAt: now, now, days: 30 });
  const coldCookies: string[] = [];
  for (let i = 0; i < COLD_COOKIES; i++) coldCookies.push(`__Host-truefans=${await mint(`cus_bench${i}`)}`);
  const fetcher = (etags: boolean): AssetFetcher => ({
    async fetch(path) {
      const file = files.get(path);
      if (!file) return new Response('Not found', { status: 404 });
      // Like every static host truefans deploys to, name the file's version with an ETag.
      return new Response(file.body, { headers: { 'content-type': file.type, ...(etags ? { etag: file.etag } : {}) } });
    },
  });
  return {
    files,
    mint: (origin, customer) => signSession(keyring, origin, { customer, ent: { tiers: ['supporter'], offers: [] }, checkedAt: now, now, days: 30 }),
    cookie: `__Host-truefans=${await mint('cus_bench')}`,
    coldCookies,
    coldPages,
    sizes: measured,
    dropCold: (path) => void files.delete(path),
    assets: fetcher(true),
    bareAssets: fetcher(false),
  };
}

interface Run {
  requests: number;
  seconds: number;
  latencies: number[];
  cpu: number[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchEdge(bench: EdgeBenchOptions = {}): Promise<Record<string, unknown>> {
  const SECONDS = bench.seconds ?? 1;
  const ROUNDS = bench.rounds ?? 5;
  const MODES = bench.modes ?? ['direct', 'http'];
  const sizes = [10 * 1024, 100 * 1024];
  const s = await benchSite(sizes);
  let stripeCalls = 0;
  const options = {
    billing: createStripeBilling,
    env: { TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_truefans_bench', SITE_URL: ORIGIN, STRIPE_API_BASE: 'http://127.0.0.1:9' },
    fetch: (async () => {
      stripeCalls++;
      return new Response('{}', { status: 500 });
    }) as typeof fetch,
    log: (line: string) => console.error(line),
  };
  const handle = createHandler({ ...options, assets: s.assets });
  const coldHandle = createHandler({ ...options, assets: s.bareAssets });
  let coldTurn = 0;

  // The http mode runs the handler in the real Node adapter (src/adapters/node/listen.ts): the server
  // `npm start` and self-hosting use, with its compression and conditional-request handling.
  // As behind a TLS-terminating proxy (the session cookie is `__Host-`, so HTTPS only).
  const server = await listen(handle, { port: 0, host: '127.0.0.1', trustProxy: true });
  const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': new URL(ORIGIN).host };
  const base = server.url;

  const check = (path: string, status: number, body: string, expect: string) => {
    if (status !== 200 || !body.includes(expect) || body.includes('<truefans-gate')) throw new Error(`unexpected answer for ${path}`);
  };
  const direct = async (path: string, cookie: string | undefined, expect: string, h = handle) => {
    const response = await h(new Request(`${ORIGIN}${path}`, cookie ? { headers: { cookie } } : {}));
    check(path, response.status, await response.text(), expect);
  };
  const cold = (kb: string) => {
    const turn = coldTurn++;
    const pages = s.coldPages[kb]!;
    return direct(pages[turn % pages.length]!, s.coldCookies[turn % s.coldCookies.length], 'cold hall', coldHandle);
  };
  const http = async (path: string, cookie: string | undefined, expect: string) => {
    const response = await fetch(`${base}${path}`, { headers: cookie ? { ...forwarded, cookie } : forwarded });
    check(path, response.status, await response.text(), expect);
  };

  const results: Record<string, unknown> = {};
  console.log(`truefans edge bench: node ${process.version}, ${SECONDS}s x ${ROUNDS} rounds per variant, sequential requests\n`);
  for (const mode of MODES) for (const size of sizes) {
    const kb = `${size / 1024}kb`;
    const one = mode === 'http' ? http : direct;
    const variants: Record<string, () => Promise<void>> = {
      public: () => one(`/posts/public-${kb}/`, undefined, 'cold hall'),
      gated: () => one(`/posts/tour-${kb}/`, s.cookie, 'cold hall'),
      ...(mode === 'direct' ? { cold: () => cold(kb) } : {}),
    };
    for (const run of Object.values(variants)) for (let i = 0; i < 300; i++) await run(); // warm up (JIT, key cache)
    const runs: Record<string, Run> = Object.fromEntries(Object.keys(variants).map((k) => [k, { requests: 0, seconds: 0, latencies: [], cpu: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved rounds, so drift on a shared machine hits both variants alike.
      for (const [name, run] of Object.entries(variants)) {
        const r = runs[name]!;
        const until = performance.now() + SECONDS * 1000;
        const started = performance.now();
        while (performance.now() < until) {
          const cpu0 = process.cpuUsage();
          const t0 = performance.now();
          await run();
          r.latencies.push(performance.now() - t0);
          const cpu = process.cpuUsage(cpu0);
          r.cpu.push((cpu.user + cpu.system) / 1000);
          r.requests++;
        }
        r.seconds += (performance.now() - started) / 1000;
      }
    }
    const summary = (r: Run) => {
      const lat = [...r.latencies].sort((a, b) => a - b);
      const cpu = [...r.cpu].sort((a, b) => a - b);
      return {
        throughput: r.requests / r.seconds,
        p50: percentile(lat, 50),
        p99: percentile(lat, 99),
        cpuMean: cpu.reduce((a, b) => a + b, 0) / cpu.length,
        cpuP99: percentile(cpu, 99),
        requests: r.requests,
      };
    };
    const pub = summary(runs.public!);
    const gated = summary(runs.gated!);
    const coldRun = runs.cold ? summary(runs.cold) : undefined;
    const ratio = gated.throughput / pub.throughput;
    results[`${mode} ${kb}`] = { bytes: s.sizes[kb], public: pub, gated, ...(coldRun ? { cold: coldRun, coldRatio: coldRun.throughput / pub.throughput } : {}), ratio };
    const ms = (n: number) => `${n.toFixed(3)} ms`;
    console.log(`${mode}: ${kb} pages (gated ${s.sizes[kb]!.gated} B, public ${s.sizes[kb]!.public} B)${mode === 'http' ? ' — CPU includes the in-process client' : ''}`);
    console.log(`  ${'variant'.padEnd(8)} ${'req/s'.padStart(9)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'cpu mean'.padStart(10)} ${'cpu p99'.padStart(10)}`);
    for (const [name, r] of [['public', pub], ['gated', gated], ...(coldRun ? [['cold', coldRun] as const] : [])] as const) {
      console.log(`  ${name.padEnd(8)} ${r.throughput.toFixed(0).padStart(9)} ${ms(r.p50).padStart(10)} ${ms(r.p99).padStart(10)} ${ms(r.cpuMean).padStart(10)} ${ms(r.cpuP99).padStart(10)}`);
    }
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log(`  gated/public throughput: ${ratio.toFixed(2)}x (target >= 0.80x: ${verdict(ratio >= 0.8)}); gated CPU p99 ${ms(gated.cpuP99)} (target <= 1 ms: ${verdict(gated.cpuP99 <= 1)})`);
    if (coldRun) {
      const coldRatio = coldRun.throughput / pub.throughput;
      console.log(`  cold/public throughput:  ${coldRatio.toFixed(2)}x (target >= 0.80x: ${verdict(coldRatio >= 0.8)}); cold CPU p99 ${ms(coldRun.cpuP99)} (target <= 1 ms: ${verdict(coldRun.cpuP99 <= 1)})`);
    }
    console.log('');
  }
  results.coldFresh = await coldFresh(s, sizes, options);
  await server.close();
  if (stripeCalls) throw new Error(`the benchmark called Stripe ${stripeCalls} times; a fresh cookie must not`);
  return { node: process.version, date: new Date().toISOString(), seconds: SECONDS, rounds: ROUNDS, results };
}

/**
 * Cold as a short-lived isolate meets it, robust to a shared machine: every request is the first one a
 * fresh handler answers (its boot included: manifest, keys), for a fan and a page it has never seen, from
 * a file without an ETag; the process's CPU time around each (process.cpuUsage). Side by side, interleaved,
 * the first request of a fresh handler for the public page of the same size: the ratio of the medians and
 * the difference (what the gate itself costs cold) hold when the machine's speed drifts. Node only here:
 * bench/cold-runtimes.ts measures the same in workerd, Deno and edge-runtime, from outside.
 */
async function coldFresh(s: Site, sizes: number[], options: Omit<Parameters<typeof createHandler>[0], 'assets'>, count = Number(process.env.BENCH_COLD_REQUESTS ?? 400)) {
  const out: Record<string, unknown> = {};
  let turn = 0;
  for (const size of sizes) {
    const kb = `${size / 1024}kb`;
    const cpu: { public: number[]; cold: number[] } = { public: [], cold: [] };
    const once = async (path: string, cookie: string | undefined, into: number[]) => {
      const handle = createHandler({ ...options, assets: s.bareAssets });
      const cpu0 = process.cpuUsage();
      const response = await handle(new Request(`${ORIGIN}${path}`, cookie ? { headers: { cookie } } : {}));
      const text = await response.text();
      const used = process.cpuUsage(cpu0);
      if (response.status !== 200 || !text.includes('cold hall') || text.includes('<truefans-gate')) throw new Error(`unexpected answer for ${path}`);
      into.push((used.user + used.system) / 1000);
    };
    for (let i = 0; i < 50; i++) await once(`/posts/public-${kb}/`, undefined, []); // warm up (JIT)
    for (let i = 0; i < count; i++) {
      const t = turn++;
      const pages = s.coldPages[kb]!;
      await once(`/posts/public-${kb}/`, undefined, cpu.public);
      await once(pages[t % pages.length]!, s.coldCookies[t % s.coldCookies.length], cpu.cold);
    }
    const stat = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return { median: Number(percentile(sorted, 50).toFixed(3)), p99: Number(percentile(sorted, 99).toFixed(3)) };
    };
    const pub = stat(cpu.public);
    const cold = stat(cpu.cold);
    out[kb] = { requests: count, public: pub, cold, ratio: Number((cold.median / pub.median).toFixed(2)), gateMedianMs: Number((cold.median - pub.median).toFixed(3)) };
    console.log(`cold, a fresh handler per request (node ${process.version}), ${kb}: CPU median ${cold.median} ms, p99 ${cold.p99} ms (target p99 <= 2 ms); public page the same way ${pub.median} / ${pub.p99} ms; ratio ${(cold.median / pub.median).toFixed(2)}x`);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const mode = arg('mode') ?? 'both';
  const report = await benchEdge({
    seconds: Number(arg('seconds') ?? 1),
    rounds: Number(arg('rounds') ?? 5),
    // --mode cold: only the cold requests in fresh handlers.
    modes: mode === 'both' ? ['direct', 'http'] : mode === 'cold' ? [] : [mode as 'direct' | 'http'],
  });
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/edge.json', import.meta.url), JSON.stringify(report, null, 2));
}
