// The chunked media envelope: every chunk opens alone, and truncation, reordering, splicing between files
// or builds, a changed header and another secret are each detected.

import { describe, expect, it } from 'vitest';
import { createKeyring } from '../../../src/core/crypto/keys.ts';
import {
  chunkCount,
  MEDIA_TAG_BYTES,
  openMediaChunk,
  parseMediaHeader,
  plainChunkLength,
  sealedChunkOffset,
  sealedMediaLength,
  sealMedia,
  type MediaHeader,
} from '../../../src/core/crypto/media.ts';
import { OTHER_SECRET, SECRET } from '../helpers/site.ts';

const CHUNK = 1024;
const scope = { kind: 'asset', id: 'rec1', tier: 'members' } as const;

function pattern(length: number, seed = 7): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) out[i] = x = (Math.imul(x, 1103515245) + 12345) >>> 16;
  return out;
}

async function seal(plain: Uint8Array<ArrayBuffer>, secret = SECRET, s: typeof scope | { kind: 'asset'; id: string; tier: string } = scope) {
  const keyring = await createKeyring(secret);
  const parts: Uint8Array[] = [];
  for await (const part of sealMedia(keyring, s, { length: plain.length, type: 'audio/wav', read: (o, n) => plain.slice(o, o + n) }, CHUNK)) parts.push(part);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

const chunkOf = (sealed: Uint8Array, header: MediaHeader, i: number) =>
  sealed.slice(sealedChunkOffset(header, i), sealedChunkOffset(header, i) + plainChunkLength(header, i) + MEDIA_TAG_BYTES);

describe('chunked media sealing', () => {
  it('opens each chunk on its own, in any order, to the original bytes', async () => {
    const keyring = await createKeyring(SECRET);
    const plain = pattern(CHUNK * 3 + 100);
    const sealed = await seal(plain);
    const header = parseMediaHeader(sealed);
    expect(header).toMatchObject({ chunkSize: CHUNK, length: plain.length, type: 'audio/wav', kid: keyring.kid });
    expect(chunkCount(header)).toBe(4);
    expect(sealed.length).toBe(sealedMediaLength(header));
    for (const i of [3, 0, 2, 1]) {
      const opened = await openMediaChunk(keyring, scope, header, i, chunkOf(sealed, header, i));
      expect(opened).toEqual(plain.slice(i * CHUNK, i * CHUNK + plainChunkLength(header, i)));
    }
    // No plaintext chunk is readable in the sealed file.
    expect(Buffer.from(sealed).includes(Buffer.from(plain.subarray(CHUNK, CHUNK + 64)))).toBe(false);
  });

  it('refuses a chunk at another index (reordering) and a changed byte', async () => {
    const keyring = await createKeyring(SECRET);
    const sealed = await seal(pattern(CHUNK * 3));
    const header = parseMediaHeader(sealed);
    await expect(openMediaChunk(keyring, scope, header, 0, chunkOf(sealed, header, 1))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    const flipped = chunkOf(sealed, header, 1);
    flipped[10]! ^= 1;
    await expect(openMediaChunk(keyring, scope, header, 1, flipped)).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
  });

  it('detects truncation: a file cut after a whole chunk has no chunk that opens as the last', async () => {
    const keyring = await createKeyring(SECRET);
    const plain = pattern(CHUNK * 3);
    const sealed = await seal(plain);
    const header = parseMediaHeader(sealed);
    // Claim the file is two chunks long: the header is bound into every chunk, so nothing opens.
    const cutHeader = parseMediaHeader(sealed);
    new DataView(cutHeader.bytes.buffer).setUint32(20, CHUNK * 2);
    const cut = parseMediaHeader(cutHeader.bytes);
    await expect(openMediaChunk(keyring, scope, cut, 1, chunkOf(sealed, header, 1))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    await expect(openMediaChunk(keyring, scope, cut, 0, chunkOf(sealed, header, 0))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    // A chunk that is not the last never opens as the last (the flag is in its nonce), even with the header kept.
    const shorter = { ...header, length: CHUNK * 2 } as MediaHeader;
    await expect(openMediaChunk(keyring, scope, shorter, 1, chunkOf(sealed, header, 1))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    // And a chunk read short (the file ends early) is refused before decryption.
    await expect(openMediaChunk(keyring, scope, header, 2, chunkOf(sealed, header, 2).slice(0, 100))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
  });

  it('refuses a chunk spliced in from another file, another build of the same file, or another secret', async () => {
    const keyring = await createKeyring(SECRET);
    const plain = pattern(CHUNK * 2);
    const a = await seal(plain);
    const rebuilt = await seal(plain);
    const other = await seal(plain, SECRET, { kind: 'asset', id: 'rec2', tier: 'members' });
    const ha = parseMediaHeader(a);
    // Same bytes, same asset, new build: a new nonce prefix, so the chunks differ and do not cross over.
    expect(chunkOf(rebuilt, parseMediaHeader(rebuilt), 0)).not.toEqual(chunkOf(a, ha, 0));
    await expect(openMediaChunk(keyring, scope, ha, 0, chunkOf(rebuilt, parseMediaHeader(rebuilt), 0))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    await expect(openMediaChunk(keyring, scope, ha, 0, chunkOf(other, parseMediaHeader(other), 0))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    // Opening under another tier (a moved manifest entry) fails too.
    await expect(openMediaChunk(keyring, { ...scope, tier: 'patron' }, ha, 0, chunkOf(a, ha, 0))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    const foreign = await seal(plain, OTHER_SECRET);
    await expect(openMediaChunk(keyring, scope, parseMediaHeader(foreign), 0, chunkOf(foreign, parseMediaHeader(foreign), 0))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
  });

  it('refuses a header whose type was changed', async () => {
    const keyring = await createKeyring(SECRET);
    const sealed = await seal(pattern(CHUNK));
    const header = parseMediaHeader(sealed);
    const bytes = header.bytes.slice();
    bytes[bytes.length - 1] = 'x'.charCodeAt(0);
    await expect(openMediaChunk(keyring, scope, parseMediaHeader(bytes), 0, chunkOf(sealed, header, 0))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
  });

  it('seals an empty file as one empty final chunk, and rejects what is not a media envelope', async () => {
    const keyring = await createKeyring(SECRET);
    const sealed = await seal(new Uint8Array(0));
    const header = parseMediaHeader(sealed);
    expect(chunkCount(header)).toBe(1);
    expect(await openMediaChunk(keyring, scope, header, 0, chunkOf(sealed, header, 0))).toEqual(new Uint8Array(0));
    expect(() => parseMediaHeader(new TextEncoder().encode('TF1.abcdefgh'))).toThrow(expect.objectContaining({ code: 'TF_SEAL_MALFORMED' }));
  });
});
