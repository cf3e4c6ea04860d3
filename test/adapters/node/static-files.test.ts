// The Node server over real files and a real socket, with the real core handler in front (public paths
// pass through it to dist/): content types, strong ETags and 304, cache lifetimes, directory indexes, the
// 404 page, traversal, compression; then the server layer's own rules (no 304 for private answers,
// graceful shutdown) with handlers written for the case.

import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type ListeningServer } from '../../../src/adapters/node/listen.ts';
import { startNodeServer } from '../../../src/adapters/node/server.ts';
import { createDistAssets } from '../../../src/adapters/node/static-files.ts';
import type { Manifest } from '../../../src/core/manifest.ts';

let dist: string;
let server: ListeningServer;
const page = `<!doctype html><title>Hello</title>${'<p>A public paragraph about the winter tour.</p>'.repeat(60)}`;

beforeAll(async () => {
  dist = await mkdtemp(path.join(tmpdir(), 'truefans-static-'));
  await mkdir(path.join(dist, 'posts/hello'), { recursive: true });
  await mkdir(path.join(dist, '_astro'), { recursive: true });
  await writeFile(path.join(dist, 'index.html'), page);
  await writeFile(path.join(dist, 'posts/hello/index.html'), page.replace('Hello', 'Hello post'));
  await writeFile(path.join(dist, '_astro/app.Dx3k9.css'), 'body{color:red}'.repeat(100));
  await writeFile(path.join(dist, 'cover.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  await writeFile(path.join(dist, 'feed.xml'), '<rss></rss>');
  await writeFile(path.join(dist, '404.html'), '<!doctype html><title>Not here</title><p>That page is not here.</p>');
  await writeFile(path.join(dist, '.env'), 'SECRET=1');
  await writeFile(path.join(path.dirname(dist), 'outside.txt'), 'outside');
  const manifest: Manifest = {
    version: 1,
    kid: 'AAAAAAAA',
    builtAt: '2026-11-22T00:00:00.000Z',
    site: { title: 'T', url: 'https://t.example', author: 'A', language: 'en', currency: 'usd', thankYou: 'Thanks', fanGoal: 10 },
    tiers: [],
    offers: [],
    payWhatYouWant: null,
    pages: {},
    assets: {},
  };
  await mkdir(path.join(dist, '_truefans'), { recursive: true });
  await writeFile(path.join(dist, '_truefans/manifest.json'), JSON.stringify(manifest));
  // No secrets: public paths never need them, and the handler passes them straight to dist/.
  server = await startNodeServer({ distDir: dist, port: 0, env: {} });
});

afterAll(async () => {
  await server?.close();
  await rm(dist, { recursive: true, force: true });
});

const get = (p: string, headers: Record<string, string> = {}) => fetch(`${server.url}${p}`, { headers, redirect: 'manual' });

/** A request with the path sent exactly as written (fetch would normalise `..` away). */
function raw(p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const req = httpRequest({ host: url.hostname, port: url.port, path: p }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Node static files', () => {
  it('serves index.html for directories with an HTML type and a strong ETag', async () => {
    const res = await get('/posts/hello/', { 'accept-encoding': 'identity' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
    expect(await res.text()).toContain('<title>Hello post</title>');
  });

  it('answers If-None-Match with 304 and no body', async () => {
    const first = await get('/', { 'accept-encoding': 'identity' });
    const etag = first.headers.get('etag')!;
    const again = await get('/', { 'if-none-match': etag, 'accept-encoding': 'identity' });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const other = await get('/', { 'if-none-match': '"something-else"', 'accept-encoding': 'identity' });
    expect(other.status).toBe(200);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const res = await fetch(`${server.url}/posts/hello/`, { method: 'HEAD', headers: { 'accept-encoding': 'identity' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(page.replace('Hello', 'Hello post'))));
    expect(res.headers.get('etag')).toMatch(/^"/);
    expect(await res.text()).toBe('');
  });

  it('redirects a directory without its slash to the slash form', async () => {
    const res = await get('/posts/hello?x=1');
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/posts/hello/?x=1');
  });

  it('never redirects to another host, whatever the path (//posts/hello must not answer Location: //posts/hello/)', async () => {
    for (const p of ['//posts/hello', '///posts/hello', '//posts/hello?x=1', '/%2F/posts/hello', '/posts/hello/..//posts/hello']) {
      const res = await get(p);
      const location = res.headers.get('location');
      if (location === null) continue;
      expect(location, p).not.toMatch(/^[/\\]{2}/);
      expect(new URL(location, server.url).origin, p).toBe(new URL(server.url).origin);
    }
    const folded = await get('//posts/hello');
    expect(folded.status).toBe(308);
    expect(folded.headers.get('location')).toBe('/posts/hello/');
  });

  it('caches hashed /_astro/ files for a year and types other files by extension', async () => {
    const css = await get('/_astro/app.Dx3k9.css');
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('/cover.png')).headers.get('content-type')).toBe('image/png');
    expect((await get('/feed.xml')).headers.get('content-type')).toMatch(/^(application|text)\/xml; charset=utf-8$/);
  });

  it('answers missing paths with dist/404.html and status 404', async () => {
    const res = await get('/no/such/page/');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('That page is not here.');
  });

  it('never serves a file outside dist/ or a dot file', async () => {
    for (const p of ['/../outside.txt', '/%2e%2e/outside.txt', '/posts/..%2f..%2foutside.txt', '/.env', '/%2eenv', '/posts/%00/']) {
      const res = await raw(p);
      expect([400, 404]).toContain(res.status);
      expect(res.body).not.toContain('outside');
      expect(res.body).not.toContain('SECRET');
    }
  });

  it('compresses text with brotli or gzip, suffixes the ETag, and still answers 304 for it', async () => {
    const br = await get('/', { 'accept-encoding': 'gzip, br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
    const tag = br.headers.get('etag')!;
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{27}-br"$/);
    // fetch decodes bodies itself; read the raw bytes through node:http to check the encoding is real.
    const bytes = await new Promise<Buffer>((resolve) => {
      const url = new URL(server.url);
      httpRequest({ host: url.hostname, port: url.port, path: '/', headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }).end();
    });
    expect(gunzipSync(bytes).toString()).toBe(page);
    expect(bytes.length).toBeLessThan(page.length / 5);
    expect(await br.text()).toBe(page);
    const revalidated = await get('/', { 'accept-encoding': 'br', 'if-none-match': tag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(tag);
  });

  it('leaves images and small files uncompressed', async () => {
    expect((await get('/cover.png', { 'accept-encoding': 'br' })).headers.get('content-encoding')).toBeNull();
    expect((await get('/feed.xml', { 'accept-encoding': 'br' })).headers.get('content-encoding')).toBeNull();
  });
});

/** The raw bytes and headers of a GET, through node:http (fetch would decode the body itself). */
function rawGet(base: string, p: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    httpRequest({ host: url.hostname, port: url.port, path: p, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('files held in memory', () => {
  it('names a file by a stable ETag from its bytes, the same on every request', async () => {
    const expected = `"${createHash('sha256').update(page).digest('base64url').slice(0, 27)}"`;
    const tags = new Set<string | null>();
    for (let i = 0; i < 3; i++) tags.add((await get('/', { 'accept-encoding': 'identity' })).headers.get('etag'));
    expect([...tags]).toEqual([expected]);
  });

  it('sends a precompressed variant chosen by Accept-Encoding, with Vary, the same bytes every time', async () => {
    const br = await rawGet(server.url, '/', { 'accept-encoding': 'br' });
    const br2 = await rawGet(server.url, '/', { 'accept-encoding': 'gzip;q=0.5, br' });
    const gz = await rawGet(server.url, '/', { 'accept-encoding': 'gzip' });
    const plain = await rawGet(server.url, '/', { 'accept-encoding': 'identity' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const res of [br, gz]) expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.bytes).toString()).toBe(page);
    expect(gunzipSync(gz.bytes).toString()).toBe(page);
    expect(plain.bytes.toString()).toBe(page);
    expect(br2.bytes.equals(br.bytes)).toBe(true);
    expect(br.headers['content-length']).toBe(String(br.bytes.length));
    // Compressed once at a setting for static files: no larger than what the dynamic setting gives.
    const dynamic = brotliCompressSync(page, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } });
    expect(br.bytes.length).toBeLessThanOrEqual(dynamic.length);
  });

  it('serves a file changed on disk, and forgets a removed one, once the revalidation interval has passed', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'truefans-fresh-'));
    await writeFile(path.join(dir, 'note.html'), '<p>The first version of the note.</p>');
    const fresh = await startNodeServer({ distDir: dir, port: 0, env: {}, revalidateMs: 50 });
    try {
      const first = await fetch(`${fresh.url}/note.html`);
      expect(await first.text()).toBe('<p>The first version of the note.</p>');
      await writeFile(path.join(dir, 'note.html'), '<p>The second, longer version of the note.</p>');
      await new Promise((r) => setTimeout(r, 80));
      const second = await fetch(`${fresh.url}/note.html`);
      expect(await second.text()).toBe('<p>The second, longer version of the note.</p>');
      expect(second.headers.get('etag')).not.toBe(first.headers.get('etag'));
      await rm(path.join(dir, 'note.html'));
      await new Promise((r) => setTimeout(r, 80));
      expect((await fetch(`${fresh.url}/note.html`)).status).toBe(404);
    } finally {
      await fresh.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('holds files within its byte budget: a file pushed out by others is read from disk again', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'truefans-lru-'));
    const body = (name: string, version: string) => `<p>${name} ${version}</p>`.padEnd(1000, '.');
    for (let i = 0; i < 20; i++) await writeFile(path.join(dir, `f${i}.txt`), body(`f${i}`, 'one'));
    // 12 KB holds a handful of 1 KB files; an hour between looks at the disk, so only eviction re-reads.
    const small = await startNodeServer({ distDir: dir, port: 0, env: {}, cacheBytes: 12 * 1024, revalidateMs: 3_600_000 });
    try {
      const read = async (name: string) => (await fetch(`${small.url}/${name}`, { headers: { 'accept-encoding': 'identity' } })).text();
      expect(await read('f0.txt')).toBe(body('f0', 'one'));
      await writeFile(path.join(dir, 'f0.txt'), body('f0', 'two'));
      // Still in memory: served as remembered, without looking at the disk.
      expect(await read('f0.txt')).toBe(body('f0', 'one'));
      for (let i = 1; i < 20; i++) await read(`f${i}.txt`);
      // Evicted by the others (12 KB cannot hold 20 files): read from disk again.
      expect(await read('f0.txt')).toBe(body('f0', 'two'));
    } finally {
      await small.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('dynamic responses', () => {
  it('compresses a page made for this request (no ETag) per request, and a long one as a stream', async () => {
    const members = `<!doctype html><title>Members</title>${'<p>Only for members, opened for this request.</p>'.repeat(200)}`;
    const long = 'x'.repeat(3 * 1024 * 1024);
    const dynamic = await listen(
      async (request) =>
        new Response(new URL(request.url).pathname === '/long' ? long : members, {
          headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'private, no-store' },
        }),
      { port: 0 },
    );
    try {
      const br = await rawGet(dynamic.url, '/', { 'accept-encoding': 'br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.etag).toBeUndefined();
      expect(br.headers.vary).toMatch(/accept-encoding/i);
      expect(brotliDecompressSync(br.bytes).toString()).toBe(members);
      const gz = await rawGet(dynamic.url, '/', { 'accept-encoding': 'gzip' });
      expect(gunzipSync(gz.bytes).toString()).toBe(members);
      const streamed = await rawGet(dynamic.url, '/long', { 'accept-encoding': 'br' });
      expect(streamed.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(streamed.bytes).toString()).toBe(long);
    } finally {
      await dynamic.close();
    }
  });
});

describe('conditional requests on private responses', () => {
  it('never turns a private, no-store response into a 304', async () => {
    const members = await listen(
      async () => new Response('members-only', { headers: { etag: '"same"', 'cache-control': 'private, no-store', vary: 'Cookie' } }),
      { port: 0 },
    );
    try {
      const res = await fetch(`${members.url}/`, { headers: { 'if-none-match': '"same"' } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('members-only');
    } finally {
      await members.close();
    }
  });
});

describe('behind a reverse proxy', () => {
  it('takes the protocol and host from X-Forwarded-* only when told to trust the proxy', async () => {
    const echo = async (request: Request) => new Response(request.url);
    const trusting = await listen(echo, { port: 0, trustProxy: true });
    const plain = await listen(echo, { port: 0 });
    try {
      const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'fans.example.com' };
      expect(await (await fetch(`${trusting.url}/posts/a/?x=1`, { headers })).text()).toBe('https://fans.example.com/posts/a/?x=1');
      expect(await (await fetch(`${plain.url}/posts/a/`, { headers })).text()).toBe(`${plain.url}/posts/a/`);
    } finally {
      await trusting.close();
      await plain.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight, then refuses new connections', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = await listen(
      async () => {
        await gate;
        return new Response('finished');
      },
      { port: 0 },
    );
    const inFlight = fetch(`${slow.url}/`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 50));
    const closed = slow.close();
    setTimeout(release, 100);
    expect(await inFlight).toBe('finished');
    await closed;
    await expect(fetch(`${slow.url}/`)).rejects.toThrow();
  });
});

describe('ranged reads of a file on disk (the core reads sealed recordings so)', () => {
  it('reads any range of a file of several megabytes exactly, and leaves no file open however the read ends', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'truefans-range-'));
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 4321);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    await writeFile(path.join(dir, 'rec.bin'), bytes);
    // Bigger than the server keeps in memory: the range comes from disk, a megabyte at a time.
    const assets = createDistAssets(dir);
    const openFiles = async () => (await readdir('/proc/self/fd')).length;
    const range = (start: number, end: number) => assets.range!('/rec.bin', new Request('https://t.example/rec.bin'), start, end);
    for (const [start, end] of [[0, 99], [1024 * 1024 - 10, 1024 * 1024 + 10], [5, bytes.length - 1], [bytes.length - 7, bytes.length + 100]] as const) {
      const res = await range(start, end);
      expect(res.status).toBe(206);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, Math.min(end, bytes.length - 1) + 1))).toBe(true);
    }
    const before = await openFiles();
    for (let i = 0; i < 40; i++) {
      const res = await range(0, bytes.length - 1);
      const reader = res.body!.getReader();
      if (i % 3 === 0) await reader.read(); // cancelled after the first megabyte
      else if (i % 3 === 1) reader.read().catch(() => undefined); // cancelled while the file is being opened or read
      await reader.cancel();
      if (i % 3 === 2) await (await range(0, bytes.length - 1)).arrayBuffer(); // read to the end
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(await openFiles()).toBeLessThanOrEqual(before);
    await rm(dir, { recursive: true, force: true });
  });
});
