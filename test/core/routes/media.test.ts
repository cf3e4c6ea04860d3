// Sealed recordings through the handler: byte ranges at the start, middle and end, suffixes, If-Range,
// 416, HEAD, a tampered chunk, a reader without access, and that only the chunks a range needs are read
// (through the Node adapter's ranged read), or, where a platform ignores Range, still the right bytes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKeyring } from '../../../src/core/crypto/keys.ts';
import { mediaPartPath, MEDIA_PART_BYTES } from '../../../src/core/media/parts.ts';
import { MEDIA_CHUNK_BYTES, MEDIA_HEADER_MAX, parseMediaHeader, sealedChunkOffset, sealMedia } from '../../../src/core/crypto/media.ts';
import { createDistAssets } from '../../../src/adapters/node/static-files.ts';
import { makeHandler, NOW, request, sessionFor } from '../helpers/handler.ts';
import { buildFixture, SECRET, type Fixture } from '../helpers/site.ts';

const CHUNK = MEDIA_CHUNK_BYTES;
const LENGTH = CHUNK * 5 + 1234;
const PATH = '/_truefans/asset/rec1/demo.wav';
const BLOB = '/_truefans/sealed/rec1.bin';

function recording(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = 99;
  for (let i = 0; i < length; i++) out[i] = x = (Math.imul(x, 1103515245) + 12345) >>> 16;
  return out;
}

let fixture: Fixture;
let plain: Uint8Array<ArrayBuffer>;
let sealed: Uint8Array;
let member: string;

beforeAll(async () => {
  fixture = await buildFixture();
  plain = recording(LENGTH);
  const keyring = await createKeyring(SECRET);
  const parts: Uint8Array[] = [];
  const scope = { kind: 'asset', id: 'rec1', tier: 'members' } as const;
  for await (const part of sealMedia(keyring, scope, { length: LENGTH, type: 'audio/wav', read: (o, n) => plain.slice(o, o + n) })) parts.push(part);
  sealed = Buffer.concat(parts);
  fixture.write(BLOB, sealed);
  const manifestFile = join(fixture.dir, '_truefans/manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  manifest.assets.rec1 = { access: 'members', type: 'audio/wav', name: 'demo.wav', post: 'winter-tour', media: { size: LENGTH, seconds: 3 } };
  writeFileSync(manifestFile, JSON.stringify(manifest));
  member = await sessionFor('cus_media', { tiers: ['supporter'], offers: [] }, NOW);
});

afterAll(() => fixture?.cleanup());

const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer());

describe('sealed media with byte ranges', () => {
  it('answers a whole GET with every byte, Accept-Ranges and a strong ETag, privately', async () => {
    const { handle } = makeHandler(fixture);
    const res = await handle(request(PATH, { cookie: member }));
    expect(res.status).toBe(200);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('content-length')).toBe(String(LENGTH));
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(await bytes(res)).toEqual(plain);
  });

  it('answers ranges at the start, in the middle across chunks, at the end, open-ended and as a suffix with 206', async () => {
    const { handle } = makeHandler(fixture);
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      [`bytes=${CHUNK - 10}-${CHUNK * 2 + 10}`, CHUNK - 10, CHUNK * 2 + 10],
      [`bytes=${LENGTH - 50}-${LENGTH - 1}`, LENGTH - 50, LENGTH - 1],
      [`bytes=${CHUNK * 3}-`, CHUNK * 3, LENGTH - 1],
      ['bytes=-700', LENGTH - 700, LENGTH - 1],
      [`bytes=${LENGTH - 5}-${LENGTH + 999}`, LENGTH - 5, LENGTH - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await handle(request(PATH, { cookie: member, headers: { range } }));
      expect(res.status, range).toBe(206);
      expect(res.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${LENGTH}`);
      expect(res.headers.get('content-length'), range).toBe(String(end - start + 1));
      expect(await bytes(res), range).toEqual(plain.slice(start, end + 1));
    }
  });

  it('reads only the header and the chunks a range needs from the deploy', async () => {
    const { handle } = makeHandler(fixture);
    fixture.seen.length = 0;
    const res = await handle(request(PATH, { cookie: member, headers: { range: `bytes=${LENGTH - 10}-` } }));
    expect(await bytes(res)).toEqual(plain.slice(LENGTH - 10));
    const header = parseMediaHeader(sealed);
    const reads = fixture.seen.filter((p) => p.startsWith(BLOB));
    expect(reads).toEqual([`${BLOB} bytes=0-${MEDIA_HEADER_MAX - 1}`, `${BLOB} bytes=${sealedChunkOffset(header, 5)}-${sealed.length - 1}`]);
  });

  it('honours If-Range only with the current strong ETag, and answers HEAD without reading a chunk', async () => {
    const { handle } = makeHandler(fixture);
    const etag = (await handle(request(PATH, { method: 'HEAD', cookie: member }))).headers.get('etag')!;
    const same = await handle(request(PATH, { cookie: member, headers: { range: 'bytes=10-19', 'if-range': etag } }));
    expect(same.status).toBe(206);
    expect(await bytes(same)).toEqual(plain.slice(10, 20));
    for (const ifRange of ['"another-build"', `W/${etag}`, 'Sun, 22 Nov 2026 12:00:00 GMT']) {
      const changed = await handle(request(PATH, { cookie: member, headers: { range: 'bytes=10-19', 'if-range': ifRange } }));
      expect(changed.status, ifRange).toBe(200);
      expect((await bytes(changed)).length).toBe(LENGTH);
    }
    fixture.seen.length = 0;
    const head = await handle(request(PATH, { method: 'HEAD', cookie: member, headers: { range: 'bytes=100-199' } }));
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 100-199/${LENGTH}`);
    expect(await head.text()).toBe('');
    expect(fixture.seen.filter((p) => p.startsWith(BLOB))).toEqual([`${BLOB} bytes=0-${MEDIA_HEADER_MAX - 1}`]);
  });

  it('answers 416 with the length for a range past the end, and the whole file for several ranges or a malformed one', async () => {
    const { handle } = makeHandler(fixture);
    const past = await handle(request(PATH, { cookie: member, headers: { range: `bytes=${LENGTH}-` } }));
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${LENGTH}`);
    expect(await past.text()).not.toContain(String.fromCharCode(...plain.subarray(0, 8)));
    for (const range of ['bytes=0-1,5-6', 'bytes=9-3', 'items=0-4', 'bytes=abc']) {
      const res = await handle(request(PATH, { cookie: member, headers: { range } }));
      expect(res.status, range).toBe(200);
      expect((await bytes(res)).length, range).toBe(LENGTH);
    }
  });

  it('gives a reader without access no bytes and reads nothing of the file', async () => {
    const { handle } = makeHandler(fixture);
    fixture.seen.length = 0;
    const anonymous = await handle(request(PATH, { headers: { range: 'bytes=0-' } }));
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers.get('content-range')).toBeNull();
    const body = await bytes(anonymous);
    expect(Buffer.from(body).includes(Buffer.from(plain.subarray(0, 32)))).toBe(false);
    expect(fixture.seen.filter((p) => p.startsWith(BLOB))).toEqual([]);
  });

  it('answers 503 for a tampered first chunk, and cuts the stream off at a tampered later one: never wrong bytes', async () => {
    const header = parseMediaHeader(sealed);
    const broken = Uint8Array.from(sealed);
    broken[sealedChunkOffset(header, 2) + 5]! ^= 0x40;
    fixture.write(BLOB, broken);
    try {
      const { handle, logs } = makeHandler(fixture);
      const first = await handle(request(PATH, { cookie: member, headers: { range: `bytes=${CHUNK * 2 + 1}-${CHUNK * 2 + 9}` } }));
      expect(first.status).toBe(503);
      expect(Buffer.from(await bytes(first)).includes(Buffer.from(plain.subarray(CHUNK * 2 + 1, CHUNK * 2 + 9)))).toBe(false);
      const later = await handle(request(PATH, { cookie: member, headers: { range: `bytes=0-${CHUNK * 4}` } }));
      expect(later.status).toBe(206);
      const reader = later.body!.getReader();
      const got: Uint8Array[] = [];
      await expect(
        (async () => {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            got.push(value);
          }
        })(),
      ).rejects.toThrow();
      const received = Buffer.concat(got);
      // Exactly the two good chunks came out, and they are right.
      expect(received.length).toBe(CHUNK * 2);
      expect(new Uint8Array(received)).toEqual(plain.slice(0, CHUNK * 2));
      expect(logs.join('\n')).toMatch(/TF_SEAL_OPEN_FAILED/);
    } finally {
      fixture.write(BLOB, sealed);
    }
  });

  it('serves the right bytes where the platform ignores Range (a 200 with the whole file)', async () => {
    const dist = createDistAssets(fixture.dir, { revalidateMs: 0 });
    const { handle } = makeHandler({ ...fixture, assets: { fetch: (p, r) => dist.fetch(p, r) } });
    const res = await handle(request(PATH, { cookie: member, headers: { range: `bytes=${CHUNK * 4 + 3}-${CHUNK * 4 + 30}` } }));
    expect(res.status).toBe(206);
    expect(await bytes(res)).toEqual(plain.slice(CHUNK * 4 + 3, CHUNK * 4 + 31));
  });

  it('reads a recording written in parts (over 24 MiB, as Cloudflare takes no file over 25): across the cut, at the end, whole; a missing part cuts the answer off', async () => {
    const long = recording(MEDIA_PART_BYTES + 3 * CHUNK + 77);
    const keyring = await createKeyring(SECRET);
    const parts: Uint8Array[] = [];
    const scope = { kind: 'asset', id: 'long1', tier: 'members' } as const;
    for await (const part of sealMedia(keyring, scope, { length: long.length, type: 'audio/wav', read: (o, n) => long.slice(o, o + n) })) parts.push(part);
    const whole = Buffer.concat(parts);
    // As the build writes it: part 0 under the old name, the rest in <id>.1.bin.
    expect(whole.length).toBeGreaterThan(MEDIA_PART_BYTES);
    fixture.write(mediaPartPath('long1', 0), whole.subarray(0, MEDIA_PART_BYTES));
    fixture.write(mediaPartPath('long1', 1), whole.subarray(MEDIA_PART_BYTES));
    const manifestFile = join(fixture.dir, '_truefans/manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    manifest.assets.long1 = { access: 'members', type: 'audio/wav', name: 'long.wav', post: 'winter-tour', media: { size: long.length } };
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const { handle } = makeHandler(fixture);
    const at = '/_truefans/asset/long1/long.wav';
    // The sealed cut lies inside a chunk near plaintext offset MEDIA_PART_BYTES: ranges either side of it.
    const cut = MEDIA_PART_BYTES - 2 * CHUNK;
    for (const [start, end] of [[cut - 5, cut + 3 * CHUNK], [long.length - 1000, long.length - 1], [0, 99]] as const) {
      const res = await handle(request(at, { cookie: member, headers: { range: `bytes=${start}-${end}` } }));
      expect(res.status, `${start}-${end}`).toBe(206);
      expect(Buffer.from(await bytes(res)).equals(Buffer.from(long.subarray(start, end + 1))), `${start}-${end}`).toBe(true);
    }
    const all = await handle(request(at, { cookie: member }));
    expect(Buffer.from(await bytes(all)).equals(Buffer.from(long))).toBe(true);

    rmSync(join(fixture.dir, mediaPartPath('long1', 1)));
    const head = await handle(request(at, { cookie: member, headers: { range: 'bytes=0-99' } }));
    expect(Buffer.from(await bytes(head)).equals(Buffer.from(long.subarray(0, 100)))).toBe(true);
    const cutOff = await handle(request(at, { cookie: member }));
    expect(cutOff.status).toBe(200);
    await expect(cutOff.arrayBuffer()).rejects.toThrow();
  }, 60_000);
});
