// `npm run bench -- media`: a sealed recording through the Node adapter (the real CLI server, in a process
// of its own), against the same bytes served unsealed by the same server as a public static file. A
// generated file of BENCH_MEDIA_MB (default 200) is sealed in chunks as the build seals it, into the core's
// fixture deploy (test/core/helpers/site.ts). Measured: time to first byte of a range at the start and at
// the end of the file (median of BENCH_MEDIA_TTFB requests each); throughput reading the whole file,
// sealed and unsealed, interleaved over BENCH_MEDIA_ROUNDS rounds (the median of each round's ratio); and
// the server's peak resident memory (VmHWM), for this file and for one half and one a tenth its size,
// each in a fresh server, so "flat in the file size" shows as a ratio near 1.
// The machine is shared: compare the ratios.

import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { createKeyring } from '../src/core/crypto/keys.ts';
import { sealMedia } from '../src/core/crypto/media.ts';
import { signSession } from '../src/core/tokens/session.ts';
import { mediaPartWriter } from '../src/integration/seal-assets.ts';
import { buildFixture, SECRET } from '../test/core/helpers/site.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ORIGIN = 'https://mira.example';
const MB = 1024 * 1024;
const SIZE_MB = Number(process.env.BENCH_MEDIA_MB ?? 200);
const TTFB_RUNS = Number(process.env.BENCH_MEDIA_TTFB ?? 20);
const ROUNDS = Number(process.env.BENCH_MEDIA_ROUNDS ?? 7);

/** Deterministic bytes that look like compressed audio (no runs, no repeats), made a megabyte at a time. */
function block(index: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(MB);
  let x = (index + 1) * 2654435761;
  for (let i = 0; i < MB; i++) out[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
  return out;
}

export async function deploy(sizeMb: number) {
  const fixture = await buildFixture();
  const keyring = await createKeyring(SECRET);
  const length = sizeMb * MB;
  const plainFd = openSync(join(fixture.dir, 'plain.bin'), 'w');
  for (let i = 0; i < sizeMb; i++) writeSync(plainFd, block(i));
  closeSync(plainFd);
  const plain = openSync(join(fixture.dir, 'plain.bin'), 'r');
  const sealed = mediaPartWriter(fixture.dir, 'rec1');
  const read = (offset: number, n: number) => {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) got += readSync(plain, out, got, n - got, offset + got);
    return out;
  };
  // As the build writes it: in parts of at most 24 MiB (src/core/media/parts.ts).
  for await (const part of sealMedia(keyring, { kind: 'asset', id: 'rec1', tier: 'members' }, { length, type: 'audio/mpeg', read })) sealed.write(part);
  sealed.close();
  closeSync(plain);
  const manifestFile = join(fixture.dir, '_truefans/manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  manifest.assets.rec1 = { access: 'members', type: 'audio/mpeg', name: 'take.mp3', post: 'winter-tour', media: { size: length } };
  writeFileSync(manifestFile, JSON.stringify(manifest));
  return { fixture, length };
}

interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function startServer(dist: string): Promise<Server> {
  // With the flags and the malloc setting scripts/serve.sh and the Dockerfile run the server with.
  const child = spawn(process.execPath, ['--max-semi-space-size=8', join(ROOT, 'src/adapters/node/cli.ts'), '--dist', dist, '--port', '0'], {
    env: { PATH: process.env.PATH, MALLOC_ARENA_MAX: '2', TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_truefans_local', SITE_URL: ORIGIN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((done, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const url = /serving .* at (http:\/\/\S+)/.exec(out)?.[1];
      if (url) done({ url, pid: child.pid!, stop: () => new Promise((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))) });
    });
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${out}`)));
  });
}

/** One GET: ms to the first body byte, ms to the last, bytes read (the body is counted and dropped). */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; ttfbMs: number; totalMs: number; bytes: number }> {
  return new Promise((done, reject) => {
    const started = performance.now();
    const req = httpRequest(url, { headers: { host: new URL(ORIGIN).host, ...headers } }, (res) => {
      let first = 0;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        if (!first) first = performance.now();
        bytes += chunk.length;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, ttfbMs: (first || performance.now()) - started, totalMs: performance.now() - started, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const vmHwmMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function memberCookie(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const token = await signSession(await createKeyring(SECRET), ORIGIN, { customer: 'cus_bench', ent: { tiers: ['supporter'], offers: [] }, checkedAt: now, now, days: 30 });
  // Over plain HTTP the session cookie has no __Host- prefix (src/core/http/cookies.ts).
  return `truefans=${token}`;
}

/** Time to first byte at the start and the end, and throughput sealed against unsealed, in one server. */
async function timings(dist: string, length: number) {
  const server = await startServer(dist);
  try {
    const cookie = await memberCookie();
    const sealed = `${server.url}/_truefans/asset/rec1/take.mp3`;
    const unsealed = `${server.url}/plain.bin`;
    const check = await get(sealed, { cookie, range: 'bytes=0-15' });
    if (check.status !== 206 || check.bytes !== 16) throw new Error(`the sealed file answered ${check.status} with ${check.bytes} bytes`);
    const ttfb = { start: [] as number[], end: [] as number[] };
    for (let i = 0; i < TTFB_RUNS; i++) {
      ttfb.start.push((await get(sealed, { cookie, range: 'bytes=0-65535' })).ttfbMs);
      ttfb.end.push((await get(sealed, { cookie, range: `bytes=${length - 65_536}-` })).ttfbMs);
    }
    // Interleaved rounds (the first reads each file into the page cache and is not counted): each round's
    // ratio compares two reads made moments apart, and the median of the ratios holds on a noisy machine.
    const sealedMBps: number[] = [];
    const plainMBps: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r <= ROUNDS; r++) {
      const s = await get(sealed, { cookie });
      const p = await get(unsealed, {});
      if (s.bytes !== length || p.bytes !== length) throw new Error(`short read: sealed ${s.bytes}, unsealed ${p.bytes} of ${length}`);
      if (r === 0) continue;
      sealedMBps.push(length / MB / (s.totalMs / 1000));
      plainMBps.push(length / MB / (p.totalMs / 1000));
      ratios.push(sealedMBps.at(-1)! / plainMBps.at(-1)!);
    }
    return { ttfbStartMs: median(ttfb.start), ttfbEndMs: median(ttfb.end), sealedMBps: median(sealedMBps), unsealedMBps: median(plainMBps), ratio: median(ratios) };
  } finally {
    await server.stop();
  }
}

/** Peak resident memory of a fresh server that serves only the sealed file: whole, then a range at its end. */
async function peakRss(dist: string, length: number): Promise<number> {
  const server = await startServer(dist);
  try {
    const cookie = await memberCookie();
    const sealed = `${server.url}/_truefans/asset/rec1/take.mp3`;
    const whole = await get(sealed, { cookie });
    if (whole.bytes !== length) throw new Error(`short read: ${whole.bytes} of ${length}`);
    await get(sealed, { cookie, range: `bytes=${length - MB}-` });
    return vmHwmMb(server.pid);
  } finally {
    await server.stop();
  }
}

async function measure(sizeMb: number, full: boolean) {
  const { fixture, length } = await deploy(sizeMb);
  try {
    return { ...(full ? await timings(fixture.dir, length) : {}), peakRssMb: await peakRss(fixture.dir, length) };
  } finally {
    fixture.cleanup();
  }
}

export async function benchMedia() {
  const big = await measure(SIZE_MB, true);
  const half = await measure(Math.max(1, Math.round(SIZE_MB / 2)), false);
  const small = await measure(Math.max(1, Math.round(SIZE_MB / 10)), false);
  const round = (n: number) => Math.round(n * 100) / 100;
  const result = {
    sizeMb: SIZE_MB,
    ttfbStartMs: round(big.ttfbStartMs!),
    ttfbEndMs: round(big.ttfbEndMs!),
    ttfbEndOverStart: round(big.ttfbEndMs! / big.ttfbStartMs!),
    rounds: ROUNDS,
    sealedMBps: round(big.sealedMBps!),
    unsealedMBps: round(big.unsealedMBps!),
    sealedOverUnsealed: round(big.ratio!),
    peakRssMb: round(big.peakRssMb!),
    peakRssMbAtHalf: round(half.peakRssMb!),
    peakRssMbAtTenth: round(small.peakRssMb!),
    // Twice the file, the same peak: flat. A tenth of it is read before V8 first collects what the
    // recording's chunks leave behind, so its peak is lower by about that garbage, not by the file.
    peakRssRatioToHalf: round(big.peakRssMb! / half.peakRssMb!),
    peakRssRatioToTenth: round(big.peakRssMb! / small.peakRssMb!),
  };
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(
    `media, ${SIZE_MB} MB sealed through the Node server: ${result.sealedMBps} MB/s against ${result.unsealedMBps} unsealed, ` +
      `median ratio ${result.sealedOverUnsealed} over ${ROUNDS} rounds (target >= 0.8: ${verdict(result.sealedOverUnsealed >= 0.8)}); ` +
      `first byte at the end ${result.ttfbEndOverStart}x the start; peak RSS ${result.peakRssMb} MB, ${result.peakRssRatioToHalf}x the half-size file's`,
  );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchMedia(), null, 2));
