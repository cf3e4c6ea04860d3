// Sorting Stripe errors: transient faults (5xx, 429, timeouts, no connection), which a grace period
// absorbs, from refusals (a wrong key, a missing object), which it does not.

import { ErrorCodes, TruefansError } from '../errors.ts';

interface StripeLike {
  type?: string;
  statusCode?: number;
  code?: string;
  param?: string;
  rawType?: string;
}

export function isTransient(error: unknown): boolean {
  const e = error as StripeLike | null;
  if (!e || typeof e !== 'object') return false;
  if (e.type === 'StripeConnectionError' || e.type === 'StripeRateLimitError' || e.type === 'StripeAPIError') return true;
  if (typeof e.statusCode === 'number') return e.statusCode === 429 || e.statusCode >= 500;
  // fetch's own network errors and aborts, if they ever escape the stripe package.
  return error instanceof TypeError || (error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError';
}

/**
 * Stripe no longer knows the object: a 404 when it is named in the URL (retrieve), a 400 `resource_missing`
 * when it is named by a parameter (`subscriptions.list({ customer })`, `billingPortal.sessions.create`), as
 * after test keys are swapped for live ones.
 */
export function isMissing(error: unknown): boolean {
  const e = error as StripeLike | null;
  return !!e && (e.statusCode === 404 || (e.statusCode === 400 && e.code === 'resource_missing'));
}

/** Wraps a Stripe error for the one place that turns errors into responses; keeps no request data. */
export function stripeFailure(error: unknown, what: string): TruefansError {
  const e = error as StripeLike | null;
  const status = e?.statusCode ? ` (HTTP ${e.statusCode}${e.code ? `, ${e.code}` : ''})` : e?.type ? ` (${e.type})` : '';
  if (isTransient(error)) return new TruefansError(ErrorCodes.STRIPE_UNAVAILABLE, `Stripe could not be reached while ${what}${status}.`);
  const hint =
    e?.statusCode === 401
      ? 'Check STRIPE_SECRET_KEY: Stripe does not accept it.'
      : e?.statusCode === 403
        ? 'Check STRIPE_SECRET_KEY: this key may not do that (a restricted key needs more permissions).'
        : undefined;
  return new TruefansError(ErrorCodes.STRIPE_REFUSED, `Stripe refused a request while ${what}${status}.`, hint);
}
