// The one way the core reads a request body: as a stream, stopping at a hard cap per route, whether or not
// the client sent Content-Length (a chunked upload has none). Going over the cap answers a 413 page and
// cancels the rest of the upload, so no body is ever held whole before its size is known.

import { Errors } from '../errors.ts';
import { HttpProblem } from './problem.ts';

/** Caps by kind of route. A form holds an email, a tier, a token and a return path: a few hundred bytes. */
export const BODY_LIMITS = {
  form: 8 * 1024,
  // Stripe's event payloads are well under this (their objects are capped, and the webhook sends one event).
  webhook: 1024 * 1024,
} as const;

export function bodyTooLarge(limit: number): HttpProblem {
  return new HttpProblem(Errors.BodyTooLarge, { limit });
}

/**
 * Not awaited: where a platform tees the body (Vercel's edge-runtime does), cancelling one branch settles
 * only once the other is cancelled too, which may be never.
 */
function cancel(body: ReadableStream | null) {
  body?.cancel().catch(() => undefined);
}

/**
 * The request's body, at most `limit` bytes. Throws the 413 problem past the cap (a declared
 * Content-Length over the cap is refused before reading anything); an unreadable body reads as empty.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) {
    cancel(request.body);
    throw bodyTooLarge(limit);
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        // Not awaited (see cancel()).
        reader.cancel().catch(() => undefined);
        throw bodyTooLarge(limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    // A platform's own body limit (srvx's on Node) errors the stream with a 413 of its own.
    if ((error as { status?: unknown })?.status === 413) throw bodyTooLarge(limit);
    // A client that went away mid-upload: treat as an empty body; the route answers its own clear page.
    return new Uint8Array(0);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
