// `npm run bench cold`: the cold gated request as issue 12 defines it: an instance, running for a while,
// gets a request from a fan it has never seen for a 100 KB members-only page it has never seen (a new
// post: a new content key, a new sealed part), and its file is dropped after it, so nothing about it can
// have been remembered, whatever the handler's memos do; no cookie is used twice. Interleaved with it, the public page of the same size from the same handler.
//
// CPU per request is the handler's own thread (process.threadCpuUsage): what a Workers isolate is billed,
// its garbage collection pauses included. V8's concurrent marking threads and libuv's pool (where Node runs
// WebCrypto; workerd runs it on the isolate's thread) are not in it, so the whole process's CPU
// (process.cpuUsage) is reported beside it.
//
// node --max-semi-space-size=8 bench/cold.ts [requests] [--profile], with the flags the Node server runs
// with (npm run bench starts it so); --profile also writes a CPU profile of the cold requests
// alone (not the site's setup) to bench/results/cold.cpuprofile and prints its heaviest functions.

import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { createStripeBilling } from '../src/billing/stripe/index.ts';
import { createHandler } from '../src/core/handler.ts';
import { benchSite, ORIGIN, SECRET } from './edge.ts';

const WARMUP = 300;
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const TARGET_P99_MS = 2;

type Sample = { thread: number; process: number };

const ms = (u: { user: number; system: number }) => (u.user + u.system) / 1000;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
const round = (x: number) => Number(x.toFixed(3));
const stat = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { mean: round(xs.reduce((a, b) => a + b, 0) / xs.length), median: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1)!) };
};

/** The flags the Node server runs with (scripts/serve.sh, the Dockerfile, docs/deploy/node.md), and its malloc setting. */
const SERVER_FLAGS = ['--max-semi-space-size=8'];

/** From `npm run bench`: the measurement in a process of its own, started as the Node server is. */
export function benchCold(count?: number): Record<string, unknown> {
  const child = spawnSync(process.execPath, [...SERVER_FLAGS, fileURLToPath(import.meta.url), ...(count ? [String(count)] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MALLOC_ARENA_MAX: '2' } });
  if (child.status !== 0) throw new Error(`bench/cold.ts failed (exit ${child.status})`);
  const lines = child.stdout.trimEnd().split('\n');
  console.log(lines[0]);
  return JSON.parse(lines.slice(1).join('\n')) as Record<string, unknown>;
}

async function measureCold(count = Number(process.env.BENCH_COLD_REQUESTS ?? 3000), options: { profile?: boolean } = {}) {
  const kb = '100kb';
  // Sealing the pages is the bench's garbage, not the handler's: it is collected before the first request.
  const s = await benchSite([100 * 1024], { coldPages: WARMUP + count });
  collectGarbage();
  const handle = createHandler({
    billing: createStripeBilling,
    env: { TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_truefans_bench', SITE_URL: ORIGIN, STRIPE_API_BASE: 'http://127.0.0.1:9' },
    fetch: (async () => new Response('{}', { status: 500 })) as typeof fetch,
    assets: s.assets,
  });
  const pages = s.coldPages[kb]!;
  if (s.coldCookies.length < pages.length) throw new Error('more cold requests than distinct cookies');
  const once = async (path: string, cookie: string | undefined): Promise<Sample> => {
    const t0 = process.threadCpuUsage();
    const p0 = process.cpuUsage();
    const response = await handle(new Request(`${ORIGIN}${path}`, cookie ? { headers: { cookie } } : {}));
    const text = await response.text();
    const sample = { thread: ms(process.threadCpuUsage(t0)), process: ms(process.cpuUsage(p0)) };
    if (response.status !== 200 || !text.includes('cold hall') || text.includes('<truefans-gate')) throw new Error(`unexpected answer for ${path}`);
    return sample;
  };
  const session = options.profile ? new Session() : undefined;
  session?.connect();
  await session?.post('Profiler.enable');
  const cold: Sample[] = [];
  const pub: Sample[] = [];
  for (let i = 0; i < pages.length; i++) {
    if (i === WARMUP) await session?.post('Profiler.start');
    const p = await once(`/posts/public-${kb}/`, undefined);
    const c = await once(pages[i]!, s.coldCookies[i]);
    s.dropCold(pages[i]!);
    if (i >= WARMUP) {
      pub.push(p);
      cold.push(c);
    }
  }
  const row = {
    requests: cold.length,
    coldThreadMs: stat(cold.map((x) => x.thread)),
    coldProcessMs: stat(cold.map((x) => x.process)),
    publicThreadMs: stat(pub.map((x) => x.thread)),
  };
  console.log(
    `cold gated ${kb}, a fan and a page never seen, ${row.requests} requests: CPU of its thread median ${row.coldThreadMs.median} ms, p99 ${row.coldThreadMs.p99} ms ` +
      `(target p99 <= ${TARGET_P99_MS} ms: ${row.coldThreadMs.p99 <= TARGET_P99_MS ? 'met' : 'NOT met'}); of the whole process ${row.coldProcessMs.median} / ${row.coldProcessMs.p99} ms; ` +
      `the public page ${row.publicThreadMs.median} / ${row.publicThreadMs.p99} ms`,
  );
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    printProfile(profile, cold.length);
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    writeFileSync(new URL('./results/cold.cpuprofile', import.meta.url), JSON.stringify(profile));
  }
  return row;
}

type Profile = { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples?: number[]; timeDeltas?: number[] };

/** The functions that spent the most time themselves, per cold request (the profile holds the public requests too). */
function printProfile(profile: Profile, requests: number) {
  const spent = new Map<number, number>();
  profile.samples!.forEach((id, i) => spent.set(id, (spent.get(id) ?? 0) + (profile.timeDeltas![i] ?? 0)));
  const self = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const t = spent.get(node.id) ?? 0;
    total += t;
    const at = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
    self.set(at, (self.get(at) ?? 0) + t);
  }
  for (const [at, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${(t / 1000 / requests).toFixed(3)} ms per cold request  ${at}`);
  }
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const count = args.find((a) => /^\d+$/.test(a));
  console.log(JSON.stringify({ node: process.version, flags: process.execArgv, ...(await measureCold(count ? Number(count) : undefined, { profile: args.includes('--profile') })) }, null, 2));
}
