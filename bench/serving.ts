// `npm run bench -- serving`: the Node adapter side by side with nginx on the same dist/, loaded by wrk
// (2 threads, 50 connections, three interleaved rounds of every case). A real Astro build of a generated
// site (bench/site-generator.ts) with public and members-only posts of about 10 KB and 100 KB of text,
// served by the Node server's one-file bundle (scripts/bundle-server.sh, as `npm run serve` and the Docker
// image run it) and by /usr/sbin/nginx with a config
// written to a temp dir. Cases: public pages, and members-only pages for a member (a session cookie minted
// the way bench/edge.ts does, fresh, so no Stripe call) and for an anonymous visitor, each identity and
// brotli. For each: requests/s, p99 latency, and the server's CPU per 1,000 requests (utime + stime from
// /proc/<pid>/stat around each round). Then the bytes of the anonymous teaser against the member's page,
// what dynamic compression settings cost and save on the member's page, and the Node server's resident
// memory before and after a fixed mixed load of 100,000 requests rotating 12,000 members' cookies.
//
// Options (environment): BENCH_SERVING_SECONDS (per case per round, default 4), BENCH_SERVING_ROUNDS (3),
// BENCH_SERVING_MIXED (100000), BENCH_SERVING_MEMBERS (12000), BENCH_SERVING_ONLY=memory (the mixed load
// alone), BENCH_SERVER_NODE_OPTIONS (more Node flags for the server). The site is built once per version
// of src/ and kept in the temp dir. The machine is shared: compare ratios, not absolute figures.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import zlib from 'node:zlib';
import { SETTINGS } from '../src/adapters/node/compress.ts';
import { createKeyring } from '../src/core/crypto/keys.ts';
import { signSession } from '../src/core/tokens/session.ts';
import { generatePosts } from './site-generator.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SECRET = 'k3J9vQxW2mZpL8rT5yN1bH6cF4dS7gA0eU2iO9wE3qR';
const ORIGIN = 'https://bench.example';
const SECONDS = Number(process.env.BENCH_SERVING_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_SERVING_ROUNDS ?? 3);
const MIXED_REQUESTS = Number(process.env.BENCH_SERVING_MIXED ?? 100_000);
const MEMBERS = Number(process.env.BENCH_SERVING_MEMBERS ?? 12_000);
/** BENCH_SERVING_ONLY=memory: the mixed load's resident memory alone (a minute, not a quarter of an hour). */
const MEMORY_ONLY = process.env.BENCH_SERVING_ONLY === 'memory';
const WRK = '/usr/bin/wrk';
const NGINX = '/usr/sbin/nginx';
const CLK_TCK = 100;

const POSTS = [
  { slug: 'public-10kb', access: 'public', bytes: 10 * 1024 },
  { slug: 'public-100kb', access: 'public', bytes: 100 * 1024 },
  { slug: 'gated-10kb', access: 'members', bytes: 10 * 1024 },
  { slug: 'gated-100kb', access: 'members', bytes: 100 * 1024 },
] as const;

/** The built site, reused while src/ and the generator are unchanged. */
function buildOnce(): string {
  const version = spawnSync('git', ['rev-parse', 'HEAD:src'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', 'src', 'bench/site-generator.ts'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const work = join(tmpdir(), `truefans-bench-serving-${version.slice(0, 12)}`);
  const dist = join(work, 'dist');
  if (!dirty && existsSync(join(dist, '_truefans/manifest.json'))) return dist;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  generatePosts(join(work, 'content'), [...POSTS]);
  const result = spawnSync(process.execPath, [join(ROOT, 'bench/build-child.ts'), ROOT, dist], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TRUEFANS_CONTENT_DIR: join(work, 'content'), TRUEFANS_CACHE_DIR: join(work, 'cache'), TRUEFANS_SECRET: SECRET, TRUEFANS_PLATFORMS: 'none', ASTRO_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`the bench site did not build:\n${`${result.stdout}\n${result.stderr}`.slice(-4000)}`);
  return dist;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

interface Server {
  name: string;
  base: string;
  pid: number;
  stop(): Promise<void>;
}

async function waitFor(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${log()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`the server did not answer: ${log()}`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
}

/** The server as `npm run serve` and the Docker image run it: one esbuild bundle (scripts/bundle-server.sh). */
function bundleServer(): string {
  const out = join(tmpdir(), `truefans-bench-server-${process.pid}.mjs`);
  const result = spawnSync('sh', [join(ROOT, 'scripts/bundle-server.sh'), out], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bundling the server failed:\n${result.stdout}${result.stderr}`);
  return out;
}

async function startNode(dist: string): Promise<Server> {
  const port = await freePort();
  const server = bundleServer();
  // With the flags and the malloc setting scripts/serve.sh and the Dockerfile give it.
  const child = spawn(process.execPath, ['--max-semi-space-size=8', server, '--dist', dist, '--port', String(port), '--host', '127.0.0.1', '--trust-proxy'], {
    // BENCH_SERVER_NODE_OPTIONS: Node flags for the server alone (for example --max-semi-space-size=4).
    env: { MALLOC_ARENA_MAX: '2', ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}), PATH: process.env.PATH, TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_truefans_bench', STRIPE_API_BASE: 'http://127.0.0.1:9', SITE_URL: ORIGIN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(base, child, () => out);
  const stop = stopper(child);
  return { name: 'node', base, pid: child.pid!, stop: () => stop().finally(() => rmSync(server, { force: true })) };
}

async function startNginx(dist: string): Promise<Server | null> {
  if (!existsSync(NGINX)) return null;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'truefans-bench-nginx-'));
  // One process (no master), one worker's worth: the Node server is one process too. Debian's nginx has
  // gzip but no brotli module, so it serves identity here, as the Node cases it is compared with.
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
daemon off;
master_process off;
error_log ${dir}/error.log;
pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${dist};
    index index.html;
    location / { try_files $uri $uri/ =404; }
  }
}
`,
  );
  const child = spawn(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(base, child, () => out);
  const stop = stopper(child);
  return {
    name: 'nginx',
    base,
    pid: child.pid!,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

/** The raw response: status, headers and the bytes as sent (not decoded). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; bytes: Buffer }> {
  return new Promise((done, reject) => {
    const u = new URL(url);
    httpRequest({ host: u.hostname, port: u.port, path: u.pathname, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

function decode(bytes: Buffer, encoding: unknown): string {
  return (encoding === 'br' ? zlib.brotliDecompressSync(bytes) : encoding === 'gzip' ? zlib.gunzipSync(bytes) : bytes).toString();
}

interface Case {
  name: string;
  server: 'node' | 'nginx';
  path: string;
  headers: Record<string, string>;
  /** Text the answer must hold, and text it must not. */
  holds: string;
  lacks?: string;
}

interface Round {
  requests: number;
  seconds: number;
  rps: number;
  p99Ms: number;
  cpuSeconds: number;
  non2xx: number;
}

function parseWrk(out: string, seconds: number): Omit<Round, 'cpuSeconds'> {
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(out);
  const p99Ms = p99 ? Number(p99[1]) * (p99[2] === 'us' ? 0.001 : p99[2] === 's' ? 1000 : 1) : NaN;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { requests, seconds, rps, p99Ms, non2xx };
}

/** The wrk running now (one at a time), so the mixed load can stop it once its requests are done. */
let wrkProcess: ChildProcess | undefined;

function wrk(args: string[]): Promise<string> {
  return new Promise((done, reject) => {
    const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    wrkProcess = child;
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', () => done(out));
  });
}

async function load(server: Server, c: Case, seconds: number): Promise<Round> {
  const args = ['-t2', '-c50', `-d${seconds}s`, '--latency'];
  for (const [k, v] of Object.entries(c.headers)) args.push('-H', `${k}: ${v}`);
  args.push(`${server.base}${c.path}`);
  const cpu0 = cpuSeconds(server.pid);
  const out = await wrk(args);
  const cpu = cpuSeconds(server.pid) - cpu0;
  return { ...parseWrk(out, seconds), cpuSeconds: cpu };
}

const round1 = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function benchServing(): Promise<Record<string, unknown>> {
  if (!existsSync(WRK)) {
    console.log(`wrk is not installed (${WRK}): the serving bench needs it. Nothing measured.`);
    return { skipped: 'wrk is not installed' };
  }
  const dist = buildOnce();
  const keyring = await createKeyring(SECRET);
  const now = Math.floor(Date.now() / 1000);
  const mint = async (customer: string) => `__Host-truefans=${await signSession(keyring, ORIGIN, { customer, ent: { tiers: ['fan'], offers: [] }, checkedAt: now, now, days: 30 })}`;
  const cookie = await mint('cus_bench');
  // As behind a TLS-terminating proxy: the session cookie is __Host-, so HTTPS only.
  const proxy = { 'x-forwarded-proto': 'https', 'x-forwarded-host': new URL(ORIGIN).host };
  const br = { 'accept-encoding': 'br' };

  // Words only the members-only part holds, and only the public part: to check each answer is the right one.
  const source = (slug: string) => readFileSync(join(dist, `posts/${slug}/index.html`), 'utf8');
  const node = await startNode(dist);
  const nginx = await startNginx(dist);
  if (!nginx) console.log(`nginx is not installed (${NGINX}): Node figures only.`);
  const servers = { node, nginx };
  try {
    const member = await rawGet(`${node.base}/posts/gated-100kb/`, { ...proxy, cookie });
    const anonymous = await rawGet(`${node.base}/posts/gated-100kb/`, proxy);
    const memberText = decode(member.bytes, member.headers['content-encoding']);
    const anonymousText = decode(anonymous.bytes, anonymous.headers['content-encoding']);
    // A run of words the member sees and the anonymous visitor does not: the members-only part, opened.
    const opened = memberText.split(/<[^>]+>/).map((t) => t.trim()).filter((t) => t.split(' ').length > 20 && !anonymousText.includes(t))[0];
    if (member.status !== 200 || anonymous.status !== 200 || !opened) throw new Error('the member was not shown the members-only part: check the cookie and the build');
    const marker = opened.split(' ').slice(0, 6).join(' ');
    const publicMarker = (slug: string) => source(slug).split(/<[^>]+>/).map((t) => t.trim()).find((t) => t.split(' ').length > 20)!.split(' ').slice(0, 6).join(' ');

    const cases: Case[] = [];
    for (const kb of ['10kb', '100kb']) {
      const pub = publicMarker(`public-${kb}`);
      for (const [enc, headers] of [['identity', {}], ['br', br]] as const) {
        cases.push({ name: `public ${kb} ${enc}`, server: 'node', path: `/posts/public-${kb}/`, headers: { ...proxy, ...headers }, holds: pub });
        if (nginx && enc === 'identity') cases.push({ name: `nginx public ${kb} ${enc}`, server: 'nginx', path: `/posts/public-${kb}/`, headers: {}, holds: pub });
      }
    }
    for (const kb of ['10kb', '100kb']) {
      const gatedMember = kb === '100kb' ? marker : undefined;
      for (const [enc, headers] of [['identity', {}], ['br', br]] as const) {
        cases.push({ name: `gated ${kb} member ${enc}`, server: 'node', path: `/posts/gated-${kb}/`, headers: { ...proxy, ...headers, cookie }, holds: gatedMember ?? '</html>' });
        cases.push({ name: `gated ${kb} anonymous ${enc}`, server: 'node', path: `/posts/gated-${kb}/`, headers: { ...proxy, ...headers }, holds: '</html>', lacks: marker });
      }
    }

    // Check every case's answer once, and warm each up (JIT, files in memory, compressed forms).
    const bytes: Record<string, number> = {};
    for (const c of cases) {
      const server = servers[c.server]!;
      const res = await rawGet(`${server.base}${c.path}`, c.headers);
      const text = decode(res.bytes, res.headers['content-encoding']);
      if (res.status !== 200 || !text.includes(c.holds) || (c.lacks && text.includes(c.lacks))) throw new Error(`${c.name}: unexpected answer (${res.status})`);
      bytes[c.name] = res.bytes.length;
      await wrk(['-t1', '-c4', '-d1s', ...Object.entries(c.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), `${server.base}${c.path}`]);
    }

    if (MEMORY_ONLY) {
      const memory = await mixedLoad(node, mint, proxy);
      console.log(`\n  Mixed load: ${memory.requests} requests over ${memory.members} members: RSS ${memory.rssMbBefore} MB before, ${memory.rssMbAfter} MB after (${memory.rps} req/s)`);
      return { node: process.version, memory };
    }
    console.log(`serving bench: node ${process.version}, wrk -t2 -c50, ${SECONDS}s per case, ${ROUNDS} interleaved rounds`);
    const rounds: Record<string, Round[]> = Object.fromEntries(cases.map((c) => [c.name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of cases) rounds[c.name]!.push(await load(servers[c.server]!, c, SECONDS));
    }
    const results: Record<string, { rps: number; p99Ms: number; cpuMsPer1000: number; bytes: number; non2xx: number }> = {};
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`\n  ${'case'.padEnd(30)} ${'req/s'.padStart(8)} ${'p99 ms'.padStart(8)} ${'CPU ms/1k'.padStart(10)} ${'bytes'.padStart(8)}`);
    for (const c of cases) {
      const rs = rounds[c.name]!;
      const total = rs.reduce((n, x) => n + x.requests, 0);
      results[c.name] = {
        rps: Math.round(median(rs.map((x) => x.rps))),
        p99Ms: round1(median(rs.map((x) => x.p99Ms)), 2),
        cpuMsPer1000: round1((rs.reduce((n, x) => n + x.cpuSeconds, 0) * 1000 * 1000) / total),
        bytes: bytes[c.name]!,
        non2xx: rs.reduce((n, x) => n + x.non2xx, 0),
      };
      const x = results[c.name]!;
      console.log(`  ${c.name.padEnd(30)} ${String(x.rps).padStart(8)} ${x.p99Ms.toFixed(2).padStart(8)} ${x.cpuMsPer1000.toFixed(1).padStart(10)} ${String(x.bytes).padStart(8)}${x.non2xx ? `  (${x.non2xx} non-2xx)` : ''}`);
    }

    // What the dynamic settings cost and save on the member's 100 KB page.
    const page = Buffer.from(memberText);
    // The server's own settings (src/adapters/node/compress.ts), and brotli 5 beside them.
    const dynamic = SETTINGS.dynamic(page.length);
    const settings: Record<string, () => Buffer> = {
      'brotli 4 (dynamic)': () => zlib.brotliCompressSync(page, dynamic.br as zlib.BrotliOptions),
      'brotli 5': () => zlib.brotliCompressSync(page, { params: { ...(dynamic.br as zlib.BrotliOptions).params, [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }),
      'brotli 11 (static)': () => zlib.brotliCompressSync(page, SETTINGS.static(page.length).br as zlib.BrotliOptions),
      'gzip 6 (dynamic)': () => zlib.gzipSync(page, dynamic.gzip as zlib.ZlibOptions),
    };
    const compression: Record<string, { bytes: number; ms: number }> = { identity: { bytes: page.length, ms: 0 } };
    for (const [name, run] of Object.entries(settings)) {
      const times: number[] = [];
      let out = run();
      for (let i = 0; i < (name.includes('11') ? 5 : 30); i++) {
        const t = performance.now();
        out = run();
        times.push(performance.now() - t);
      }
      compression[name] = { bytes: out.length, ms: round1(median(times), 2) };
    }

    // Resident memory under a fixed mixed load across many members.
    const memory = await mixedLoad(node, mint, proxy);

    const ratio = (a: string, b: string) => (results[a] && results[b] ? round1(results[a].rps / results[b].rps, 2) : null);
    const table = [
      { measured: 'gated member 100 KB brotli vs public 100 KB brotli (Node), req/s', value: ratio('gated 100kb member br', 'public 100kb br'), goal: '>= 0.5' },
      { measured: 'gated member 100 KB brotli, server CPU per request (ms)', value: round1(results['gated 100kb member br']!.cpuMsPer1000 / 1000, 2), goal: '' },
      { measured: 'Node public 10 KB vs nginx public 10 KB (identity), req/s', value: ratio('public 10kb identity', 'nginx public 10kb identity'), goal: '>= 0.5' },
      { measured: 'Node server RSS after the mixed load (MB)', value: memory.rssMbAfter, goal: '<= 150, flat' },
      { measured: 'anonymous teaser vs member page, 10 KB, brotli (bytes)', value: `${bytes['gated 10kb anonymous br']} vs ${bytes['gated 10kb member br']}`, goal: 'teaser <= public part + paywall' },
      { measured: 'anonymous teaser vs member page, 100 KB, brotli (bytes)', value: `${bytes['gated 100kb anonymous br']} vs ${bytes['gated 100kb member br']}`, goal: 'teaser <= public part + paywall' },
    ];
    console.log('\n  Compression of the member\'s 100 KB page (bytes, ms per page on one core):');
    for (const [name, c] of Object.entries(compression)) console.log(`    ${name.padEnd(20)} ${String(c.bytes).padStart(8)} B ${c.ms.toFixed(2).padStart(8)} ms`);
    console.log(`\n  Mixed load: ${memory.requests} requests over ${memory.members} members: RSS ${memory.rssMbBefore} MB before, ${memory.rssMbAfter} MB after (${memory.rps} req/s)`);
    console.log('\n  The issue\'s table:');
    for (const row of table) console.log(`    ${row.measured.padEnd(62)} ${String(row.value).padStart(16)}   goal ${row.goal}`);
    if (!nginx) console.log('    (nginx is not installed: no nginx figures)');
    return { node: process.version, seconds: SECONDS, rounds: ROUNDS, nginx: nginx ? 'nginx, 1 process, identity (no brotli module in this build)' : 'not installed', results, compression, memory, table };
  } finally {
    await node.stop();
    await nginx?.stop();
  }
}

/** 100,000 requests rotating 12,000 members' cookies over the gated pages, some anonymous and public. */
async function mixedLoad(node: Server, mint: (customer: string) => Promise<string>, proxy: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'truefans-bench-mixed-'));
  try {
    const cookies: string[] = [];
    for (let i = 0; i < MEMBERS; i++) cookies.push(await mint(`cus_mixed${i}`));
    writeFileSync(join(dir, 'cookies.txt'), `${cookies.join('\n')}\n`);
    const perThread = Math.ceil(MIXED_REQUESTS / 2);
    // Each wrk thread walks the cookie list from its own end and stops after its share of the requests.
    writeFileSync(
      join(dir, 'mixed.lua'),
      `local cookies = {}
for line in io.lines("${join(dir, 'cookies.txt')}") do cookies[#cookies + 1] = line end
local paths = { "/posts/gated-10kb/", "/posts/gated-100kb/", "/posts/gated-10kb/", "/posts/public-10kb/", "/posts/gated-100kb/" }
local n = 0
local done = 0
local counter = 0
function setup(thread) counter = counter + 1; thread:set("id", counter) end
function init(args) n = (id or 1) * 7919 end -- id: set by setup() in this thread
function request()
  n = n + 1
  local headers = { ["x-forwarded-proto"] = "${proxy['x-forwarded-proto']}", ["x-forwarded-host"] = "${proxy['x-forwarded-host']}" }
  if n % 2 == 0 then headers["accept-encoding"] = "br" end
  if n % 6 ~= 0 then headers["cookie"] = cookies[(n % #cookies) + 1] end
  return wrk.format("GET", paths[(n % #paths) + 1], headers)
end
function response(status, headers, body)
  done = done + 1
  if done == ${perThread} then
    -- wrk runs for its whole -d however its threads stop; the bench sends SIGINT when both have said so.
    local f = io.open("${join(dir, 'done-')}" .. id, "w")
    f:close()
    wrk.thread:stop()
  end
end
`,
    );
    // Warm up, then measure.
    await wrk(['-t1', '-c4', '-d1s', '-s', join(dir, 'mixed.lua'), node.base]);
    rmSync(join(dir, 'done-1'), { force: true });
    const before = rssMb(node.pid);
    const t0 = performance.now();
    const running = wrk(['-t2', '-c50', '-d600s', '-s', join(dir, 'mixed.lua'), node.base]);
    while (!existsSync(join(dir, 'done-1')) || !existsSync(join(dir, 'done-2'))) await new Promise((r) => setTimeout(r, 50));
    wrkProcess?.kill('SIGINT');
    const out = await running;
    const seconds = (performance.now() - t0) / 1000;
    const after = rssMb(node.pid);
    const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
    return { requests, members: MEMBERS, rssMbBefore: round1(before), rssMbAfter: round1(after), rps: Math.round(requests / seconds), non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) console.log(JSON.stringify(await benchServing(), null, 2));
