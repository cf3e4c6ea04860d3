// `npm run bench adapters`: each platform's function bundle (raw and gzip, against the platform's
// documented limit) and each runtime's cold start, side by side. Cold start is the time from starting the
// runtime (spawning the process; for workerd, starting Wrangler's harness, which spawns workerd) to the
// first complete response, a gated page for an anonymous visitor, which parses the environment, fetches
// the manifest and derives keys. Then the warm median of the same request. Reported, never asserted.
//
// Runs the real Astro build of test/fixtures/adapter-site once, then each runtime RUNS times in turn.

import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SIZE_LIMITS } from '../src/adapters/bundle.ts';
import { startCloudflare } from '../test/adapters/runtimes/cloudflare.ts';
import { startNetlify } from '../test/adapters/runtimes/netlify.ts';
import { startNode } from '../test/adapters/runtimes/node.ts';
import type { StartRuntime } from '../test/adapters/runtimes/runtime.ts';
import { startVercel } from '../test/adapters/runtimes/vercel.ts';
import { buildSite } from '../test/adapters/support/site.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WARM = 50;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};
const ms = (x: number) => Math.round(x * 10) / 10;
const kib = (n: number) => Math.round((n / 1024) * 10) / 10;

/** The Node server bundled the way the edge ones are, for comparison only: Node runs it from source. */
async function nodeBundleSize(): Promise<{ bytes: number; gzipBytes: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'truefans-node-bundle-'));
  try {
    const outfile = path.join(dir, 'server.js');
    await build({ entryPoints: [path.join(import.meta.dirname, '../src/adapters/node/cli.ts')], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node22', minify: true, logLevel: 'silent' });
    const code = readFileSync(outfile);
    return { bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchAdapters() {
  const site = await buildSite();
  const env = {
    TRUEFANS_SECRET: site.secret,
    STRIPE_SECRET_KEY: 'sk_test_truefans_local',
    // Not contacted: an anonymous visitor's page needs no Stripe call.
    STRIPE_API_BASE: 'http://127.0.0.1:9',
  };
  try {
    const bundles: Record<string, unknown> = {};
    for (const b of site.bundles) {
      bundles[b.platform] = { kib: kib(b.bytes), gzipKib: kib(b.gzipBytes), limitGzipKib: kib(b.limitGzipBytes), percentOfLimit: Math.round((b.gzipBytes / SIZE_LIMITS[b.platform].gzipBytes) * 1000) / 10 };
    }
    const node = await nodeBundleSize();
    bundles.node = { kib: kib(node.bytes), gzipKib: kib(node.gzipBytes), note: 'not deployed as a bundle: Node runs src/ directly' };

    const runtimes: Record<string, StartRuntime> = { node: startNode, 'netlify-deno': startNetlify, 'cloudflare-workerd': startCloudflare, 'vercel-edge-runtime': startVercel };
    const coldStart: Record<string, unknown> = {};
    for (const [name, start] of Object.entries(runtimes)) {
      const listening: number[] = [];
      const firstResponse: number[] = [];
      const warm: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const t0 = performance.now();
        const runtime = await start(site, env);
        const res = await fetch(`${runtime.url}${site.gated.path}`);
        const body = await res.text();
        const total = performance.now() - t0;
        if (res.status !== 200 || !body.includes(site.gated.teaser)) throw new Error(`${name}: the first response was ${res.status}`);
        listening.push(runtime.startupMs);
        firstResponse.push(total);
        if (run === 0) {
          for (let i = 0; i < WARM; i++) {
            const t = performance.now();
            await (await fetch(`${runtime.url}${site.gated.path}`)).text();
            warm.push(performance.now() - t);
          }
        }
        await runtime.stop();
      }
      coldStart[name] = { listeningMs: ms(median(listening)), firstResponseMs: ms(median(firstResponse)), warmMedianMs: ms(median(warm)), runs: RUNS };
      console.log(`${name}: listening ${ms(median(listening))} ms, first response ${ms(median(firstResponse))} ms, warm ${ms(median(warm))} ms`);
    }
    return { bundles, coldStart, page: site.gated.path };
  } finally {
    site.cleanup();
  }
}

if (import.meta.main) console.log(JSON.stringify(await benchAdapters(), null, 2));
