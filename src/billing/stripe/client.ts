// The one Stripe client: the official package over the platform's fetch, pointed at api.stripe.com or,
// through STRIPE_API_BASE, at the local stand-in. Nothing else in the code knows which one it talks to.

import Stripe from 'stripe';
import type { EdgeConfig } from '../../core/env.ts';

/** Page requests wait at most this long for a re-check; then the grace period decides. */
export const RECHECK_TIMEOUT_MS = 3000;

/**
 * The stripe package sets Content-Length on every POST. The Fetch standard makes it a forbidden request
 * header (fetch computes it from the body), and some runtimes (Vercel's edge-runtime) refuse requests that
 * carry one, so it is dropped here, for every platform alike.
 */
function withoutContentLength(init: RequestInit | undefined): RequestInit | undefined {
  if (!init?.headers) return init;
  const headers = new Headers(init.headers);
  headers.delete('content-length');
  return { ...init, headers };
}

export function createStripe(config: EdgeConfig, fetchImpl: typeof fetch): Stripe {
  const api = config.stripe.api;
  return new Stripe(config.stripe.secretKey, {
    httpClient: Stripe.createFetchHttpClient((input, init) => fetchImpl(input, withoutContentLength(init))),
    // Retries would multiply a fan's wait during an outage; the grace period covers transient faults.
    maxNetworkRetries: 0,
    timeout: 10_000,
    telemetry: false,
    ...(api ? { host: api.host, port: api.port, protocol: api.protocol } : {}),
  });
}

export const subtleCrypto = Stripe.createSubtleCryptoProvider();
