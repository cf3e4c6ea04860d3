// Sealed audio and video, for a reader asset.ts has already let in: the function reads the sealed file's
// header, maps the requested byte range to the chunks that hold it, reads only those through the
// platform's static-file call, and streams them out opened, a few chunks ahead. A player can seek and a
// podcast app can stream; memory stays at a few chunks whatever the file's size.

import type { Ctx } from '../context.ts';
import { toBase64Url } from '../crypto/base64url.ts';
import {
  MEDIA_HEADER_MAX,
  MEDIA_TAG_BYTES,
  openMediaChunk,
  parseMediaHeader,
  plainChunkLength,
  sealedChunkOffset,
  type MediaHeader,
} from '../crypto/media.ts';
import { Errors } from '../errors.ts';
import { chooseRange } from '../http/range.ts';
import { HttpProblem } from '../http/problem.ts';
import { PRIVATE } from '../http/respond.ts';
import type { AssetEntry } from '../manifest.ts';
import type { PieceReader } from '../media/byte-reader.ts';
import { mediaPartPath } from '../media/parts.ts';
import { readSealedRange } from '../media/read-range.ts';

type Asset = AssetEntry;

type AssetScope = { kind: 'asset'; id: string; tier: string };

/** Chunks read and opened ahead of the one being sent, side by side: with two waiting for the socket, under two megabytes in all. */
const OPEN_AHEAD = 4;

/** A strong tag per build of the file: the header holds the build's random nonce prefix. */
async function etagOf(header: MediaHeader): Promise<string> {
  return `"m${toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', header.bytes))).slice(0, 26)}"`;
}

export async function serveMedia(ctx: Ctx, id: string, asset: Asset, cookies: readonly string[]): Promise<Response> {
  const { app, request } = ctx;
  const path = mediaPartPath(id, 0);
  const scope = { kind: 'asset', id, tier: asset.access } as const;
  const unreadable = (cause: string) => new HttpProblem(Errors.SealedFileUnreadable, { asset: asset.name, cause }, { cookies: [...cookies] });
  const missing = (status: number) => new HttpProblem(Errors.SealedFileMissing, { path, asset: asset.name, httpStatus: status }, { cookies: [...cookies] });

  const head = await readSealedRange(ctx, id, 0, MEDIA_HEADER_MAX - 1);
  if (!head.ok) throw missing(head.status);
  let header: MediaHeader;
  try {
    header = parseMediaHeader(await head.reader.read(MEDIA_HEADER_MAX));
  } catch {
    throw unreadable('TF_SEAL_MALFORMED');
  } finally {
    head.reader.cancel();
  }
  const length = header.length;
  const etag = await etagOf(header);
  const headers = new Headers({
    ...PRIVATE,
    'content-type': asset.type,
    'accept-ranges': 'bytes',
    etag,
    'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(asset.name)}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'referrer-policy': 'no-referrer',
  });
  for (const c of cookies) headers.append('set-cookie', c);

  const choice = chooseRange(request.headers, length, etag);
  if (choice.kind === 'unsatisfiable') {
    throw new HttpProblem(Errors.RangeNotSatisfiable, undefined, { cookies: [...cookies], headers: { 'content-range': `bytes */${length}`, 'accept-ranges': 'bytes' } });
  }
  const start = choice.kind === 'partial' ? choice.start : 0;
  const end = choice.kind === 'partial' ? choice.end : length - 1;
  const status = choice.kind === 'partial' ? 206 : 200;
  headers.set('content-length', String(Math.max(0, end - start + 1)));
  if (status === 206) headers.set('content-range', `bytes ${start}-${end}/${length}`);
  // A HEAD reads no chunk; an empty recording has no bytes to send.
  if (request.method === 'HEAD' || length === 0) return new Response(null, { status, headers });

  const first = Math.floor(start / header.chunkSize);
  const last = Math.floor(end / header.chunkSize);
  const read = await readChunks(ctx, id, scope, header, first, last);
  if (!read.ok) throw missing(read.status);
  const chunks = read;
  // The first chunk is opened before answering, so a changed file or another secret is a clear 503,
  // not a 206 that breaks off; a chunk further on that fails to open ends the stream with an error.
  let opened: Uint8Array<ArrayBuffer>;
  try {
    opened = await chunks.open(first);
  } catch {
    chunks.reader.cancel();
    throw unreadable('TF_SEAL_OPEN_FAILED');
  }
  const slice = (index: number, plain: Uint8Array<ArrayBuffer>) =>
    plain.subarray(index === first ? start - first * header.chunkSize : 0, index === last ? end - last * header.chunkSize + 1 : plain.length);

  let index = first;
  // Up to OPEN_AHEAD chunks are being read and opened while the one before them is sent: the platform's
  // crypto (a thread pool in Node) opens them side by side.
  const ahead: Promise<Uint8Array<ArrayBuffer>>[] = [];
  let toOpen = first + 1;
  const openAhead = () => {
    while (ahead.length < OPEN_AHEAD && toOpen <= last) {
      const next = chunks.open(toOpen++);
      next.catch(() => undefined);
      ahead.push(next);
    }
  };
  openAhead();
  let current: Uint8Array<ArrayBuffer> | undefined = opened;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const plain = current ?? (await ahead.shift()!);
          current = undefined;
          const i = index++;
          openAhead();
          controller.enqueue(slice(i, plain));
          if (i === last) {
            chunks.reader.cancel();
            controller.close();
          }
        } catch {
          app.log(`truefans: TF_SEAL_OPEN_FAILED: a chunk of the sealed file for asset "${asset.name}" did not open; the answer was cut off.`);
          chunks.reader.cancel();
          controller.error(new Error('a sealed chunk did not open'));
        }
      },
      cancel() {
        chunks.reader.cancel();
      },
    },
    // Two opened chunks may wait for the socket, so reading, opening and sending overlap; no more.
    { highWaterMark: 2 },
  );
  return new Response(body, { status, headers });
}

/** Chunks `first`..`last` of the sealed file, read in order, each opened when asked for. */
async function readChunks(ctx: Ctx, id: string, scope: AssetScope, header: MediaHeader, first: number, last: number) {
  const from = sealedChunkOffset(header, first);
  const to = sealedChunkOffset(header, last) + plainChunkLength(header, last) + MEDIA_TAG_BYTES - 1;
  const read = await readSealedRange(ctx, id, from, to);
  if (!read.ok) return { ok: false as const, status: read.status };
  const reader: PieceReader = read.reader;
  let next = first;
  let reading: Promise<unknown> = Promise.resolve();
  return {
    ok: true as const,
    reader,
    /**
     * Chunks must be asked for in order; several may be asked for at once. Each is read from the stream
     * after the one before it (the reads are chained), and opened as soon as it is read.
     */
    open(index: number): Promise<Uint8Array<ArrayBuffer>> {
      if (index !== next++) return Promise.reject(new Error('chunks are read in order'));
      const sealed = reading.then(() => reader.read(plainChunkLength(header, index) + MEDIA_TAG_BYTES));
      reading = sealed.catch(() => undefined);
      return sealed.then((bytes) => openMediaChunk(ctx.app.keyring, scope, header, index, bytes));
    },
  };
}
