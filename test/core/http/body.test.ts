// Request bodies are read as streams with a hard cap per route: past the cap the read stops (the rest of
// the upload is never pulled) and the answer is a 413, with or without Content-Length.

import { describe, expect, it } from 'vitest';
import { BODY_LIMITS, readBody } from '../../../src/core/http/body.ts';
import { readForm } from '../../../src/core/http/form.ts';
import { HttpProblem } from '../../../src/core/http/problem.ts';
import { request } from '../helpers/handler.ts';
import { useWorld, type World } from '../helpers/stand-in.ts';

/** A chunked body (no Content-Length) of `total` bytes that counts how much of it was ever pulled. */
function countingBody(total: number, chunk = 16 * 1024) {
  const seen = { pulled: 0, cancelled: false };
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(chunk, total - sent);
      sent += n;
      seen.pulled += n;
      controller.enqueue(new TextEncoder().encode('a'.repeat(n)));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

const chunked = (path: string, body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, duplex: 'half' } as RequestInit);

describe('readBody', () => {
  it('reads a body under the cap whole', async () => {
    const bytes = await readBody(new Request('https://x.example/', { method: 'POST', body: 'email=a%40b.example' }), 64);
    expect(new TextDecoder().decode(bytes)).toBe('email=a%40b.example');
  });

  it('stops a chunked upload at the cap and cancels the rest, whatever its size', async () => {
    const { stream, seen } = countingBody(100 * 1024 * 1024);
    const error = await readBody(new Request('https://x.example/', { method: 'POST', body: stream, duplex: 'half' } as RequestInit), BODY_LIMITS.form).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpProblem);
    expect((error as HttpProblem).status).toBe(413);
    expect(seen.cancelled).toBe(true);
    // At most the cap plus the chunk that crossed it, and what the stream had queued ahead.
    expect(seen.pulled).toBeLessThanOrEqual(BODY_LIMITS.form + 3 * 16 * 1024);
  });

  it('refuses a declared Content-Length over the cap without reading', async () => {
    const { stream, seen } = countingBody(1024 * 1024);
    const req = new Request('https://x.example/', { method: 'POST', body: stream, duplex: 'half', headers: { 'content-length': String(1024 * 1024) } } as RequestInit);
    await expect(readBody(req, BODY_LIMITS.form)).rejects.toMatchObject({ status: 413 });
    expect(seen.pulled).toBeLessThanOrEqual(16 * 1024);
  });

  it('caps multipart forms the same way and parses them from the capped bytes', async () => {
    const data = new FormData();
    data.set('email', 'fan@example.com');
    const small = await readForm(new Request('https://x.example/', { method: 'POST', body: data }));
    expect(small.get('email')).toBe('fan@example.com');
    const big = new FormData();
    big.set('email', 'x'.repeat(BODY_LIMITS.form * 2));
    await expect(readForm(new Request('https://x.example/', { method: 'POST', body: big }))).rejects.toMatchObject({ status: 413 });
  });
});

describe('body caps on the routes', () => {
  let world: World;
  useWorld((built) => ({ world } = built));

  it.each(['/_truefans/signin', '/_truefans/signin/confirm', '/_truefans/checkout'])('%s answers a 100 MB chunked form with a clear 413 page', async (path) => {
    const { handle } = world.handler();
    const { stream, seen } = countingBody(100 * 1024 * 1024);
    const res = await handle(chunked(path, stream));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('That request is too large');
    expect(seen.pulled).toBeLessThan(64 * 1024);
  });

  it('the webhook reads at most 1 MB, then answers 413', async () => {
    const { handle } = world.handler();
    const { stream, seen } = countingBody(100 * 1024 * 1024);
    const res = await handle(chunked('/_truefans/webhook', stream, { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' }));
    expect(res.status).toBe(413);
    expect(seen.pulled).toBeGreaterThan(BODY_LIMITS.webhook);
    expect(seen.pulled).toBeLessThan(BODY_LIMITS.webhook + 64 * 1024);
  });
});
