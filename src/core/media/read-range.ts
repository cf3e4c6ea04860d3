// Reads bytes `start`..`end` of a file of the deploy through the platform's static-file call. The
// adapter's ranged read answers 206 with just those bytes; a platform whose static serving ignores Range
// answers 200 with the whole file, and then the bytes before `start` are read and dropped here (memory
// stays bounded; only time grows with the offset), so a missing ranged read is slow, never wrong.

import type { Ctx } from '../context.ts';
import { staticRequest } from '../routes/gated-page.ts';
import { ByteReader, type PieceReader } from './byte-reader.ts';
import { MEDIA_PART_BYTES, mediaPartPath } from './parts.ts';

export type RangeRead = { ok: true; reader: PieceReader } | { ok: false; status: number };

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

export async function readFileRange(ctx: Ctx, path: string, start: number, end: number): Promise<RangeRead> {
  const { assets } = ctx.app;
  const request = staticRequest(ctx, path);
  const answer = assets.range ? await assets.range(path, request, start, end) : await assets.fetch(path, request);
  if (answer.status === 206 && answer.body) {
    const m = CONTENT_RANGE.exec(answer.headers.get('content-range') ?? '');
    if (m && Number(m[1]) === start && Number(m[2]) <= end) return { ok: true, reader: new ByteReader(answer.body) };
    // Some other part of the file: read nothing from it.
    await answer.body.cancel().catch(() => undefined);
    return { ok: false, status: 206 };
  }
  if (answer.status === 200 && answer.body) {
    const reader = new ByteReader(answer.body);
    if (start === 0 || (await reader.skip(start))) return { ok: true, reader };
    reader.cancel();
    return { ok: false, status: 416 };
  }
  await answer.body?.cancel().catch(() => undefined);
  return { ok: false, status: answer.status };
}

/**
 * Bytes `start`..`end` of sealed recording `id`, across the parts it is written in (parts.ts): each part's
 * own range is asked for when the reading reaches it. A part that cannot be read then ends the reading
 * short, which the caller sees as a chunk that does not open.
 */
export async function readSealedRange(ctx: Ctx, id: string, start: number, end: number): Promise<RangeRead> {
  const firstPart = Math.floor(start / MEDIA_PART_BYTES);
  const lastPart = Math.floor(end / MEDIA_PART_BYTES);
  const partRange = (part: number) => {
    const base = part * MEDIA_PART_BYTES;
    return [Math.max(start, base) - base, Math.min(end, base + MEDIA_PART_BYTES - 1) - base] as const;
  };
  const first = await readFileRange(ctx, mediaPartPath(id, firstPart), ...partRange(firstPart));
  if (!first.ok || firstPart === lastPart) return first;
  let part = firstPart;
  let current: PieceReader | undefined = first.reader;
  const next = async (): Promise<PieceReader | undefined> => {
    current?.cancel();
    current = undefined;
    if (part === lastPart) return undefined;
    part++;
    const read = await readFileRange(ctx, mediaPartPath(id, part), ...partRange(part));
    if (read.ok) current = read.reader;
    return current;
  };
  return {
    ok: true,
    reader: {
      async read(n) {
        if (!current) return new Uint8Array(0);
        const got = await current.read(n);
        if (got.length === n) return got;
        // This part ends inside the piece: the rest of it comes from the next part's start.
        const out = new Uint8Array(n);
        out.set(got, 0);
        let at = got.length;
        while (at < n && (await next())) {
          const more = await current!.read(n - at);
          out.set(more, at);
          at += more.length;
        }
        return out.subarray(0, at);
      },
      cancel() {
        current?.cancel();
        current = undefined;
      },
    },
  };
}
