// The one Stripe client: the official package over the platform's fetch, pointed at api.stripe.com or,
// through STRIPE_API_BASE, at the local stand-in. Nothing else in the code knows which one it talks to.
// The package is loaded on the first billing call, not at start: it is about a third of an idle Node
// server's memory, and a server that only serves pages and members' sessions never needs it. In the
// single-file edge bundles esbuild inlines the import, so it is there, only evaluated later.

import type Stripe from 'stripe';
import type { EdgeConfig } from '../../core/env.ts';

/** Page requests wait at most this long for a re-check; then the grace period decides. */
export const RECHECK_TIMEOUT_MS = 3000;

type StripeClass = typeof import('stripe').default;

let loading: Promise<StripeClass> | undefined;

/** The stripe package's class, imported once per process (or isolate), on first use. */
function stripeClass(): Promise<StripeClass> {
  return (loading ??= import('stripe').then((module) => module.default));
}

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

/** A client made on the first call and shared by every later one. */
export function createStripe(config: EdgeConfig, fetchImpl: typeof fetch): () => Promise<Stripe> {
  let client: Promise<Stripe> | undefined;
  return () =>
    (client ??= stripeClass().then((StripeClass) => {
      const api = config.stripe.api;
      return new StripeClass(config.stripe.secretKey, {
        httpClient: StripeClass.createFetchHttpClient((input, init) => fetchImpl(input, withoutContentLength(init))),
        // Retries would multiply a fan's wait during an outage; the grace period covers transient faults.
        maxNetworkRetries: 0,
        timeout: 10_000,
        telemetry: false,
        ...(api ? { host: api.host, port: api.port, protocol: api.protocol } : {}),
      });
    }));
}

let subtle: Promise<Stripe.CryptoProvider> | undefined;

/** Stripe's SubtleCrypto provider, for verifying webhook signatures on every platform alike. */
export function subtleCrypto(): Promise<Stripe.CryptoProvider> {
  return (subtle ??= stripeClass().then((StripeClass) => StripeClass.createSubtleCryptoProvider()));
}
