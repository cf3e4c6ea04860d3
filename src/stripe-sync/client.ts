// The `stripe` client a sync talks to, from STRIPE_SECRET_KEY and (for the local stand-in)
// STRIPE_API_BASE, with errors that say how to fix a missing key or a malformed base.

import Stripe from 'stripe';
import { apiBase } from '../core/env.ts';

/** `command` is what the missing-key message tells the creator to run again. */
export function stripeFromEnv(env: NodeJS.ProcessEnv, command = 'npm run stripe:sync'): Stripe {
  const key = env.STRIPE_SECRET_KEY?.trim();
  if (!key) throw new Error(`STRIPE_SECRET_KEY is not set. Copy your secret key (sk_test_... to try it out) from https://dashboard.stripe.com/apikeys, then run:\n  STRIPE_SECRET_KEY=sk_test_... ${command}`);
  let api;
  try {
    api = apiBase(env.STRIPE_API_BASE?.trim() || undefined);
  } catch {
    throw new Error('STRIPE_API_BASE must be a full http(s) URL, like http://127.0.0.1:12111.');
  }
  return new Stripe(key, { maxNetworkRetries: 2, ...(api ? { host: api.host, port: api.port, protocol: api.protocol } : {}) });
}
