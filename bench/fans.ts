// Issue 14's benchmark: `npm run fans -- --html` against the stand-in holding 10,000 fans with two years of
// history (seeded in-process, bench/fans-history.ts). Reports the command's time and peak memory and how
// many Stripe calls it made. Targets: under 30 s, and at most one list call per 100 objects read.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSite } from '../src/config/load.ts';
import { startStripeStandIn } from '../tools/stripe-local/index.ts';
import { buildHistory } from './fans-history.ts';

const ROOT = resolve(import.meta.dirname, '..');
const FANS = Number(process.env.BENCH_FANS ?? 10_000);
const KEY = 'sk_test_truefans_bench';
/** The end of the history: 2026-06-01, a fixed clock so runs compare. */
const NOW = Date.UTC(2026, 5, 1);

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    // Asynchronous on purpose: the stand-in answering the command lives in this process.
    const child = spawn(process.execPath, [join(ROOT, 'bench/fans-child.ts'), ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

export async function benchFans() {
  const site = loadSite(join(ROOT, 'content'), ROOT);
  const seeding = performance.now();
  const history = buildHistory({ fans: FANS, nowMs: NOW, years: 2, tiers: site.tiers, currency: site.currency });
  const seedMs = performance.now() - seeding;

  const calls = new Map<string, number>();
  const standIn = await startStripeStandIn({
    port: 0,
    now: NOW,
    secretKey: KEY,
    state: history.state,
    onRequest: (method, path) => {
      const key = `${method} ${path.replace(/\/(cus|sub|in|cs|price|prod|re|pi|ch)_[^/]+/g, '/:id')}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
    },
  });
  const work = mkdtempSync(join(tmpdir(), 'truefans-bench-fans-'));
  try {
    const out = join(work, 'fans.html');
    const started = performance.now();
    const standInCpu = process.cpuUsage();
    const result = await run(['--html', out], {
      ...process.env,
      STRIPE_SECRET_KEY: KEY,
      STRIPE_API_BASE: standIn.url,
      TRUEFANS_CONTENT_DIR: join(ROOT, 'content'),
    });
    const ms = performance.now() - started;
    const served = process.cpuUsage(standInCpu);
    if (result.code !== 0) throw new Error(`npm run fans failed:\n${result.stderr.slice(-4000)}`);
    const child = JSON.parse(/BENCH (\{.*\})/.exec(result.stderr)?.[1] ?? '{}') as { maxRssMb?: number; cpuMs?: number };
    const read = /Read ([\d,]+) objects from Stripe/.exec(result.stderr);
    const objects = Number(read?.[1]?.replace(/,/g, '') ?? NaN);
    const listCalls = [...calls].filter(([key]) => key.startsWith('GET ') && !key.includes(':id')).reduce((sum, [, n]) => sum + n, 0);
    const lists = [...calls].filter(([key]) => key.startsWith('GET ') && !key.includes(':id')).length;
    const totalCalls = [...calls.values()].reduce((a, b) => a + b, 0);
    return {
      fans: FANS,
      history: history.counts,
      seedMs: Math.round(seedMs),
      ms: Math.round(ms),
      maxRssMb: child.maxRssMb === undefined ? null : Math.round(child.maxRssMb),
      // CPU time is what the shared machine's load does not inflate: the command's, and the stand-in's serving it.
      commandCpuMs: child.cpuMs === undefined ? null : Math.round(child.cpuMs),
      standInCpuMs: Math.round((served.user + served.system) / 1000),
      objectsRead: objects,
      stripeCalls: totalCalls,
      listCalls,
      callsByPath: Object.fromEntries(calls),
      // Each list's last page may be short: one call per 100 objects, plus at most one per list.
      objectsPerListCall: Math.round((objects / listCalls) * 10) / 10,
      htmlKb: Math.round(statSync(out).size / 1024),
      targets: { under30s: ms < 30_000, oneListCallPer100: listCalls <= Math.ceil(objects / 100) + lists },
      summary: result.stdout.split('\n').slice(0, 3).join(' | '),
    };
  } finally {
    await standIn.close();
    rmSync(work, { recursive: true, force: true });
  }
}

