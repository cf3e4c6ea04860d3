// Prices and dates as a fan reads them on the function's pages and in emails: "$13", "$6.50", "Dec 7".
// Amounts here are in minor units (as Stripe and the manifest hold them); the currency rules are
// src/core/money.ts's. Intl is part of the language, so this stays Web-standard.

import { formatMajor, fromMinorUnits } from '../money.ts';

/** Whole prices without ".00", as on the site's own pages: "$13", "$6.50", "¥500", "KWD 5.250". */
export function priceText(minor: number, currency: string, language = 'en'): string {
  return formatMajor(fromMinorUnits(minor, currency), currency, language);
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
