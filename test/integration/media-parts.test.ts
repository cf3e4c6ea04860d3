// The build writes a sealed recording in parts of at most 24 MiB (Cloudflare's static assets take no file
// over 25 MiB): the bytes cut at fixed offsets, part 0 under the name a whole sealed file has.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEDIA_PART_BYTES, mediaPartPath } from '../../src/core/media/parts.ts';
import { SEALED_ASSET_DIR } from '../../src/core/paths.ts';
import { mediaPartWriter } from '../../src/integration/seal-assets.ts';

describe('mediaPartWriter', () => {
  it('cuts the bytes at every 24 MiB, whatever sizes they come in, and loses none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'truefans-parts-'));
    try {
      mkdirSync(join(dir, SEALED_ASSET_DIR), { recursive: true });
      const total = 2 * MEDIA_PART_BYTES + 12_345;
      const source = new Uint8Array(total);
      for (let i = 0; i < total; i++) source[i] = (i * 2654435761) >>> 24;
      const writer = mediaPartWriter(dir, 'rec');
      for (let at = 0, step = 1; at < total; at += step, step = (step * 7 + 13) % 300_000) writer.write(source.subarray(at, Math.min(total, at + step)));
      writer.close();
      const files = readdirSync(join(dir, SEALED_ASSET_DIR)).sort();
      expect(files).toEqual(['rec.1.bin', 'rec.2.bin', 'rec.bin']);
      expect([0, 1, 2].map((p) => statSync(join(dir, mediaPartPath('rec', p))).size)).toEqual([MEDIA_PART_BYTES, MEDIA_PART_BYTES, 12_345]);
      const joined = Buffer.concat([0, 1, 2].map((p) => readFileSync(join(dir, mediaPartPath('rec', p)))));
      expect(joined.equals(Buffer.from(source))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a recording under the size as one file with the whole name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'truefans-parts-'));
    try {
      mkdirSync(join(dir, SEALED_ASSET_DIR), { recursive: true });
      const writer = mediaPartWriter(dir, 'short');
      writer.write(new Uint8Array(1000).fill(7));
      writer.close();
      expect(readdirSync(join(dir, SEALED_ASSET_DIR))).toEqual(['short.bin']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
