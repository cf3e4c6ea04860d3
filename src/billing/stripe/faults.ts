// Sorting Stripe errors: transient faults (5xx, 429, timeouts, no connection), which a grace period
// absorbs, from refusals (a wrong key, a missing object), which it does not. Every Stripe error leaves the
// billing as the core's BillingError, so the core never sees a Stripe error class.

import { BillingError } from '../../core/billing.ts';

interface StripeLike {
  type?: string;
  statusCode?: number;
  code?: string;
  param?: string;
  rawType?: string;
  message?: string;
  requestId?: string;
}

/** Anything that looks like a key or an email address, in text Stripe wrote (it may echo parameters). */
const SECRETS = /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9*]+|\bwhsec_[A-Za-z0-9]+|[^\s'"<>()\[\]:,;]+@[^\s'"<>()\[\]:,;]+\.[A-Za-z]{2,}/g;

/**
 * Stripe's own words for the creator's log: its message (keys and email addresses redacted, since Stripe
 * may echo what was sent), its error code and parameter, and the request id to look up in the Dashboard
 * (Developers > Logs).
 */
export function stripeDetail(error: unknown): string | undefined {
  const e = error as StripeLike | null;
  if (!e || typeof e !== 'object' || !e.type?.startsWith('Stripe')) return undefined;
  const parts: string[] = [];
  if (e.message) {
    const said = e.message.replace(SECRETS, '[redacted]').replace(/\s+/g, ' ').trim();
    parts.push(`Stripe said: "${said.length > 300 ? `${said.slice(0, 297)}...` : said}"`);
  }
  if (e.param) parts.push(`param ${e.param}`);
  if (e.requestId) parts.push(`request ${e.requestId}`);
  return parts.length ? `${parts.join('; ')}.` : undefined;
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

/** Turns a Stripe error (or fetch's own) into the core's BillingError; keeps no request data. */
export function billingError(error: unknown): BillingError {
  if (error instanceof BillingError) return error;
  const e = error as StripeLike | null;
  const status = e?.statusCode ? ` (HTTP ${e.statusCode}${e.code ? `, ${e.code}` : ''})` : e?.type ? ` (${e.type})` : '';
  const detail = stripeDetail(error);
  return new BillingError({ transient: isTransient(error), missing: isMissing(error), status, ...(e?.statusCode ? { httpStatus: e.statusCode } : {}), ...(detail ? { detail } : {}) });
}
