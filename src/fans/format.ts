// How the dashboard writes money, counts, percentages and dates, in the site's language and currency.

import { fromMinorUnits, minorExponent } from '../core/money.ts';

export interface Format {
  /** Minor units as money: "$21,840" when whole, "$6.42" when not. */
  money(minor: number): string;
  count(n: number): string;
  percent(share: number): string;
  /** Unix seconds as a date: "2026-03-01". */
  date(t: number | null): string;
}

export function formatFor(currency: string, language = 'en'): Format {
  const whole = new Intl.NumberFormat(language, { style: 'currency', currency: currency.toUpperCase(), maximumFractionDigits: 0, minimumFractionDigits: 0 });
  const digits = minorExponent(currency);
  const exact = new Intl.NumberFormat(language, { style: 'currency', currency: currency.toUpperCase(), maximumFractionDigits: digits, minimumFractionDigits: digits });
  const counts = new Intl.NumberFormat(language);
  const percents = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 });
  return {
    money: (minor) => {
      const major = fromMinorUnits(minor, currency);
      return Number.isInteger(major) ? whole.format(major) : exact.format(major);
    },
    count: (n) => counts.format(n),
    percent: (share) => percents.format(share),
    date: (t) => (t === null ? '' : new Date(t * 1000).toISOString().slice(0, 10)),
  };
}
