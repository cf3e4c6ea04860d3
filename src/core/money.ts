// Prices are written in major units (70 = $70.00); Stripe wants minor units. Zero-decimal currencies
// (yen, won, ...) have no minor unit. List from Stripe's documentation
// (https://docs.stripe.com/currencies#zero-decimal).

export const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

export function toMinorUnits(amount: number, currency: string): number {
  return ZERO_DECIMAL.has(currency.toLowerCase()) ? Math.round(amount) : Math.round(amount * 100);
}

/** Major-unit text typed by a fan ("5", "7.50", "7,50") to minor units, or undefined. */
export function parseMajorUnits(text: string, currency: string): number | undefined {
  const m = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!m) return undefined;
  if (ZERO_DECIMAL.has(currency.toLowerCase())) return m[2] && Number(m[2]) !== 0 ? undefined : Number(m[1]);
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

/** Minor units as text for people and logs: "7.00 USD", "700 JPY". */
export function formatMoney(minor: number, currency: string): string {
  const c = currency.toLowerCase();
  const zero = ZERO_DECIMAL.has(c);
  return `${(zero ? minor : minor / 100).toFixed(zero ? 0 : 2)} ${c.toUpperCase()}`;
}
