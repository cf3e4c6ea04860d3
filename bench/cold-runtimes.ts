// `npm run bench cold-runtimes`: the cold gated request in each real runtime (Node, Deno as Netlify runs
// it, workerd as Cloudflare runs it, edge-runtime as Vercel runs it), measured from outside, since
// workerd stops its clocks while code runs. The bench's deploy (bench/edge.ts: 100 KB pages, more gated
// pages and fans than an instance remembers) is written out as a dist/ with each platform's files; each
// runtime serves it on 127.0.0.1 and gets, one at a time and interleaved, the public page and a gated page
// for a fan and a page it has not seen recently. Nothing waits on a network (Stripe is never called: the
// cookie carries the fan's holdings), so each request's latency is its CPU time plus the loopback's; the
// difference of the medians is what the gate costs cold, and holds when the machine's speed drifts.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emitPlatformFiles } from '../src/adapters/build.ts';
import { cookieName, SESSION_COOKIE } from '../src/core/http/cookies.ts';
import { startCloudflare } from '../test/adapters/runtimes/cloudflare.ts';
import { startNetlify } from '../test/adapters/runtimes/netlify.ts';
import { startNode } from '../test/adapters/runtimes/node.ts';
import type { StartRuntime } from '../test/adapters/runtimes/runtime.ts';
import { startVercel } from '../test/adapters/runtimes/vercel.ts';
import { benchSite, SECRET } from './edge.ts';

const REQUESTS = Number(process.env.BENCH_COLD_REQUESTS ?? 300);
const WARMUP = 30;
const RUNTIMES: Record<string, StartRuntime> = { node: startNode, 'netlify-deno': startNetlify, 'cloudflare-workerd': startCloudflare, 'vercel-edge-runtime': startVercel };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
const round = (x: number) => Math.round(x * 1000) / 1000;

/** The deploy as files on disk: a page path `/posts/x/` is `posts/x/index.html`. */
function writeDist(files: ReadonlyMap<string, { body: Uint8Array }>): { root: string; dist: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'truefans-cold-runtimes-'));
  const dist = path.join(root, 'dist');
  for (const [at, file] of files) {
    const target = path.join(dist, at.endsWith('/') ? `${at}index.html` : at);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.body);
  }
  return { root, dist };
}

export async function benchColdRuntimes(only = Object.keys(RUNTIMES)) {
  const kb = '100kb';
  const s = await benchSite([100 * 1024], { coldPages: REQUESTS + WARMUP });
  const site = writeDist(s.files);
  await emitPlatformFiles('dist', { root: site.root, log: () => {} });
  const env = { TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_truefans_bench', STRIPE_API_BASE: 'http://127.0.0.1:9' };
  const out: Record<string, unknown> = {};
  try {
    for (const name of only) {
      const runtime = await RUNTIMES[name]!(site, env);
      try {
        const url = new URL(runtime.url);
        const cookie = cookieName(SESSION_COOKIE, url);
        const pages = s.coldPages[kb]!;
        const cookies: string[] = [];
        for (let i = 0; i < REQUESTS + WARMUP; i++) cookies.push(`${cookie}=${await s.mint(url.origin, `cus_cold${i}`)}`);
        const once = async (at: string, headers: Record<string, string>, expectOpen: boolean) => {
          const started = performance.now();
          const response = await fetch(new URL(at, url), { headers });
          const text = await response.text();
          const ms = performance.now() - started;
          if (response.status !== 200 || !text.includes('cold hall') || (expectOpen && text.includes('<truefans-gate'))) {
            throw new Error(`${name}: ${at} answered ${response.status}${expectOpen ? ' without opening the page' : ''}`);
          }
          return ms;
        };
        const pub: number[] = [];
        const cold: number[] = [];
        for (let i = 0; i < REQUESTS + WARMUP; i++) {
          const p = await once(`/posts/public-${kb}/`, {}, false);
          const c = await once(pages[i % pages.length]!, { cookie: cookies[i]! }, true);
          if (i >= WARMUP) {
            pub.push(p);
            cold.push(c);
          }
        }
        pub.sort((a, b) => a - b);
        cold.sort((a, b) => a - b);
        const row = {
          requests: REQUESTS,
          publicMs: { median: round(percentile(pub, 50)), p99: round(percentile(pub, 99)) },
          coldGatedMs: { median: round(percentile(cold, 50)), p99: round(percentile(cold, 99)) },
          gateMedianMs: round(percentile(cold, 50) - percentile(pub, 50)),
        };
        out[name] = row;
        console.log(
          `${name}, ${kb}: cold gated ${row.coldGatedMs.median} ms median, ${row.coldGatedMs.p99} ms p99; public ${row.publicMs.median} / ${row.publicMs.p99} ms; the gate cold: +${row.gateMedianMs} ms`,
        );
      } finally {
        await runtime.stop();
      }
    }
  } finally {
    rmSync(site.root, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.main) console.log(JSON.stringify(await benchColdRuntimes(process.argv.slice(2).length ? process.argv.slice(2) : undefined), null, 2));
