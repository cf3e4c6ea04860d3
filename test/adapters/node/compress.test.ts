// The Node server's final-response step (createCompression) for a private page with a strong ETag sent as
// it is: its bytes are kept by ETag, so later requests send them without reading the core's body; what is
// public, untagged or weakly tagged passes through untouched.

import { describe, expect, it } from 'vitest';
import { Memo } from '../../../src/core/memo.ts';
import { createCompression } from '../../../src/adapters/node/compress.ts';

const page = new TextEncoder().encode(`<!doctype html><p>${'members only words '.repeat(6000)}</p>`);

/** A response whose body counts how often it is pulled, as the core's copy-when-read body would copy. */
function answer(headers: Record<string, string>, bytes: Uint8Array = page) {
  let reads = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        reads++;
        controller.enqueue(bytes.slice());
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  const response = new Response(body, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': String(bytes.byteLength), ...headers } });
  return { response, reads: () => reads };
}

const identity = () => new Request('https://fans.example/posts/a/', { headers: { 'accept-encoding': 'identity' } });
// As the core sends a member's opened page (src/core/http/respond.ts PRIVATE) with its version tag.
const PRIVATE = { 'cache-control': 'private, no-store', etag: '"v1-gated"' };

describe('createCompression: a private page with a strong ETag, sent as it is', () => {
  it('reads the body once; later answers with the same ETag are the kept bytes, their bodies never read', async () => {
    const compress = createCompression(new Memo<object>(1024 * 1024));
    const first = answer(PRIVATE);
    const sent1 = await compress(identity(), first.response);
    expect(new Uint8Array(await sent1.arrayBuffer())).toEqual(page);
    expect(first.reads()).toBe(1);

    const second = answer({ ...PRIVATE, 'set-cookie': '__Host-truefans=fresh; Path=/; Secure; HttpOnly' });
    const sent2 = await compress(identity(), second.response);
    expect(new Uint8Array(await sent2.arrayBuffer())).toEqual(page);
    expect(second.reads()).toBe(0);
    expect(sent2.status).toBe(200);
    expect(sent2.headers.get('etag')).toBe('"v1-gated"');
    expect(sent2.headers.get('content-length')).toBe(String(page.byteLength));
    expect(sent2.headers.get('content-encoding')).toBeNull();
    // Headers are this response's own (a fresh cookie), only the bytes are kept.
    expect(sent2.headers.get('set-cookie')).toContain('fresh');
  });

  it('keeps bytes per ETag: another tag is read afresh', async () => {
    const compress = createCompression(new Memo<object>(1024 * 1024));
    await (await compress(identity(), answer(PRIVATE).response)).arrayBuffer();
    const other = new TextEncoder().encode('<!doctype html><p>another reader, another page</p>'.repeat(40));
    const next = answer({ ...PRIVATE, etag: '"v2-gated"' }, other);
    const sent = await compress(identity(), next.response);
    expect(new Uint8Array(await sent.arrayBuffer())).toEqual(other);
    expect(next.reads()).toBe(1);
  });

  it('passes through what is public, weakly tagged or untagged', async () => {
    const compress = createCompression(new Memo<object>(1024 * 1024));
    const cases: Array<Record<string, string>> = [
      { 'cache-control': 'public, max-age=0', etag: '"file"' },
      { 'cache-control': 'private, no-store', etag: 'W/"weak"' },
      { 'cache-control': 'private, no-store' },
    ];
    for (const headers of cases) {
      const { response, reads } = answer(headers);
      expect(await compress(identity(), response)).toBe(response);
      expect(reads()).toBe(0);
    }
  });
});
