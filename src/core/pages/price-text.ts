// Prices and dates as a fan reads them on the function's pages and in emails: "$13", "$6.50", "Dec 7".
// Amounts here are in minor units (as Stripe and the manifest hold them). Intl is part of the language,
// so this stays Web-standard. (The currency module may absorb this; keep callers to these two names.)

import { ZERO_DECIMAL } from '../money.ts';

const formats = new Map<string, Intl.NumberFormat>();

export function priceText(minor: number, currency: string, language = 'en'): string {
  const zero = ZERO_DECIMAL.has(currency.toLowerCase());
  const major = zero ? minor : minor / 100;
  const whole = Number.isInteger(major);
  const key = `${language}|${currency}|${whole}`;
  let format = formats.get(key);
  if (!format) {
    // Whole prices read better without ".00", as on the site's own pages.
    format = new Intl.NumberFormat(language, { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: whole ? 0 : 2 });
    formats.set(key, format);
  }
  return format.format(major);
}

/** "$7 a month", "$70 a year". */
export function perInterval(minor: number, currency: string, interval: 'month' | 'year', language = 'en'): string {
  return `${priceText(minor, currency, language)} a ${interval}`;
}

/** Seconds since the epoch as "Dec 7" (this year) or "Dec 7, 2027", in UTC like Stripe's dates. */
export function shortDate(seconds: number, nowMs: number, language = 'en'): string {
  const date = new Date(seconds * 1000);
  const sameYear = date.getUTCFullYear() === new Date(nowMs).getUTCFullYear();
  return new Intl.DateTimeFormat(language, { month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }), timeZone: 'UTC' }).format(date);
}

/** "November 27, 2026": for the account page, where the year always matters. */
export function longDate(seconds: number, language = 'en'): string {
  return new Intl.DateTimeFormat(language, { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' }).format(new Date(seconds * 1000));
}
