// Amounts: site.yaml speaks major units (7, 6.50); Stripe and the manifest speak minor units (700, 650),
// except in zero-decimal currencies, where they are the same.

/** Stripe's zero-decimal currencies (https://docs.stripe.com/currencies#zero-decimal). */
export const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

export function minorUnits(major: number, currency: string): number {
  return ZERO_DECIMAL.has(currency.toLowerCase()) ? Math.round(major) : Math.round(major * 100);
}

/** Major-unit text typed by a fan ("5", "7.50", "7,50") to minor units, or undefined. */
export function parseMajorUnits(text: string, currency: string): number | undefined {
  const m = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!m) return undefined;
  if (ZERO_DECIMAL.has(currency.toLowerCase())) return m[2] && Number(m[2]) !== 0 ? undefined : Number(m[1]);
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

export function formatMoney(minor: number, currency: string): string {
  const c = currency.toLowerCase();
  const major = ZERO_DECIMAL.has(c) ? minor : minor / 100;
  return `${major.toFixed(ZERO_DECIMAL.has(c) ? 0 : 2)} ${c.toUpperCase()}`;
}
