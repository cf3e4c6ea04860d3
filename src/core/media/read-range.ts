// Reads bytes `start`..`end` of a file of the deploy through the platform's static-file call. The
// adapter's ranged read answers 206 with just those bytes; a platform whose static serving ignores Range
// answers 200 with the whole file, and then the bytes before `start` are read and dropped here (memory
// stays bounded; only time grows with the offset), so a missing ranged read is slow, never wrong.

import type { Ctx } from '../context.ts';
import { staticRequest } from '../routes/gated-page.ts';
import { ByteReader } from './byte-reader.ts';

export type RangeRead = { ok: true; reader: ByteReader } | { ok: false; status: number };

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
