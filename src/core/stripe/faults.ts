// Sorting Stripe errors: transient faults (5xx, 429, timeouts, no connection), which a grace period
// absorbs, from refusals (a wrong key, a missing object), which it does not.

import { Errors, TruefansError } from '../errors.ts';

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

/** Wraps a Stripe error for the one place that turns errors into responses; keeps no request data. */
export function stripeFailure(error: unknown, what: string): TruefansError {
  const e = error as StripeLike | null;
  const status = e?.statusCode ? ` (HTTP ${e.statusCode}${e.code ? `, ${e.code}` : ''})` : e?.type ? ` (${e.type})` : '';
  if (isTransient(error)) return new TruefansError(Errors.StripeUnavailable, { what, status }, { detail: stripeDetail(error) });
  return new TruefansError(Errors.StripeRefused, { what, status, httpStatus: e?.statusCode }, { detail: stripeDetail(error) });
}
