// Issue 2's benchmark, grown for issue 12: at each size (1,000, 5,000 and 10,000 posts by default), build
// a generated site twice with the same content, all public and all members-only, interleaved, and compare:
// time, peak memory, the leak check's cost per post, and sealing plus the leak check as a share of the
// build. Targets: that share at most 10% at every size, and the same leak-check cost per post at 10,000
// posts as at 1,000 (linear). BENCH_POSTS=1000,5000 picks the sizes; BENCH_ROUNDS the rounds (default 2
// up to 1,000 posts, 1 above: a 10,000-post build takes minutes).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSite } from './site-generator.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SIZES = (process.env.BENCH_POSTS ?? '1000,5000,10000').split(',').map(Number);
const roundsFor = (posts: number) => Number(process.env.BENCH_ROUNDS ?? (posts <= 1000 ? 2 : 1));

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

function benchSize(posts: number) {
  const rounds = roundsFor(posts);
  const work = mkdtempSync(join(tmpdir(), 'truefans-bench-'));
  try {
    const pub = join(work, 'public-site');
    const mem = join(work, 'members-site');
    generateSite(pub, posts, 'public');
    generateSite(mem, posts, 'members');
    const runs: { public: Run[]; members: Run[] } = { public: [], members: [] };
    for (let r = 0; r < rounds; r++) {
      runs.public.push(runBuild(pub, work));
      runs.members.push(runBuild(mem, work));
    }
    const p = median(runs.public.map((r) => r.ms));
    const m = median(runs.members.map((r) => r.ms));
    // The whole-build ratio also counts what members-only pages render besides sealing (paywall cards), and
    // swings with the machine; the share below is sealing plus the leak check alone, from the build's own
    // timers, net of what the same pass costs on the all-public build.
    const extra = median(runs.members.map((r) => r.sealMs + r.leakCheckMs)) - median(runs.public.map((r) => r.sealMs + r.leakCheckMs));
    const leakCheckMs = median(runs.members.map((r) => r.leakCheckMs));
    const sealMs = median(runs.members.map((r) => r.sealMs));
    return {
      posts,
      rounds,
      publicBuildMs: Math.round(p),
      membersBuildMs: Math.round(m),
      ratio: Number((m / p).toFixed(3)),
      sealAndLeakCheckShare: Number((extra / p).toFixed(3)),
      sealMs,
      leakCheckMs,
      leakCheckMsPerPost: Number((leakCheckMs / posts).toFixed(3)),
      sealAndLeakCheckMsPerPost: Number(((sealMs + leakCheckMs) / posts).toFixed(3)),
      peakRssMb: { public: Math.round(Math.max(...runs.public.map((r) => r.maxRssMb))), members: Math.round(Math.max(...runs.members.map((r) => r.maxRssMb))) },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function benchBuild() {
  const sizes = SIZES.map((posts) => {
    const result = benchSize(posts);
    console.log(
      `${posts} posts: public ${result.publicBuildMs} ms, members ${result.membersBuildMs} ms, peak ${result.peakRssMb.members} MB; ` +
        `leak check ${result.leakCheckMsPerPost} ms/post, sealing + leak check ${(result.sealAndLeakCheckShare * 100).toFixed(1)}% of the build (goal <= 10%)`,
    );
    return result;
  });
  const perPost = sizes.map((s) => s.leakCheckMsPerPost);
  return {
    sizes,
    // Largest size's cost per post over the smallest's: 1.0 is linear (goal: about 1, noise aside).
    leakCheckGrowth: sizes.length > 1 ? Number((perPost.at(-1)! / perPost[0]!).toFixed(2)) : null,
    target: 'sealing plus the leak check add at most 10% at every size (sealAndLeakCheckShare <= 0.10); the same leak-check ms/post at every size (leakCheckGrowth about 1)',
  };
}

if (import.meta.main) console.log(JSON.stringify(benchBuild(), null, 2));
