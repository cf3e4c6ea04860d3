// Issue 2's benchmark: build a generated 1,000-post site twice with the same content, all public and
// all members-only, interleaved, and compare. Target: sealing plus the leak check add at most 10%.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSite } from './site-generator.ts';

const ROOT = resolve(import.meta.dirname, '..');
const POSTS = Number(process.env.BENCH_POSTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

interface Run {
  ms: number;
  maxRssMb: number;
  leakCheckMs: number;
  sealMs: number;
}

function runBuild(content: string, work: string): Run {
  const out = join(work, `dist-${Math.random().toString(36).slice(2)}`);
  const result = spawnSync(process.execPath, [join(ROOT, 'bench/build-child.ts'), ROOT, out], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      TRUEFANS_CONTENT_DIR: content,
      TRUEFANS_CACHE_DIR: join(work, `cache-${Math.random().toString(36).slice(2)}`),
      TRUEFANS_SECRET: process.env.TRUEFANS_SECRET ?? 'k3J9vQxW2mZpL8rT5yN1bH6cF4dS7gA0eU2iO9wE3qR',
      ASTRO_TELEMETRY_DISABLED: '1',
    },
  });
  const text = `${result.stdout}\n${result.stderr}`;
  const line = /BENCH (\{.*\})/.exec(text);
  if (result.status !== 0 || !line) throw new Error(`build failed:\n${text.slice(-4000)}`);
  const seal = /sealed .* \(seal (\d+) ms\).*\((\d+) ms\)/.exec(text);
  rmSync(out, { recursive: true, force: true });
  return { ...(JSON.parse(line[1]!) as { ms: number; maxRssMb: number }), sealMs: Number(seal?.[1] ?? 0), leakCheckMs: Number(seal?.[2] ?? 0) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function benchBuild() {
  const work = mkdtempSync(join(tmpdir(), 'truefans-bench-'));
  const pub = join(work, 'public-site');
  const mem = join(work, 'members-site');
  generateSite(pub, POSTS, 'public');
  generateSite(mem, POSTS, 'members');
  const runs: { public: Run[]; members: Run[] } = { public: [], members: [] };
  for (let r = 0; r < ROUNDS; r++) {
    runs.public.push(runBuild(pub, work));
    runs.members.push(runBuild(mem, work));
  }
  rmSync(work, { recursive: true, force: true });
  const p = median(runs.public.map((r) => r.ms));
  const m = median(runs.members.map((r) => r.ms));
  // The whole-build ratio also counts what members-only pages render besides sealing (paywall cards), and
  // swings with the machine; the share below is sealing plus the leak check alone, from the build's own
  // timers, net of what the same pass costs on the all-public build.
  const extra = median(runs.members.map((r) => r.sealMs + r.leakCheckMs)) - median(runs.public.map((r) => r.sealMs + r.leakCheckMs));
  return {
    posts: POSTS,
    rounds: ROUNDS,
    publicBuildMs: Math.round(p),
    membersBuildMs: Math.round(m),
    ratio: Number((m / p).toFixed(3)),
    sealAndLeakCheckShare: Number((extra / p).toFixed(3)),
    sealMs: median(runs.members.map((r) => r.sealMs)),
    leakCheckMs: median(runs.members.map((r) => r.leakCheckMs)),
    peakRssMb: { public: Math.round(Math.max(...runs.public.map((r) => r.maxRssMb))), members: Math.round(Math.max(...runs.members.map((r) => r.maxRssMb))) },
    target: 'sealing plus the leak check add at most 10% (sealAndLeakCheckShare <= 0.10)',
  };
}

if (import.meta.main) console.log(JSON.stringify(benchBuild(), null, 2));
