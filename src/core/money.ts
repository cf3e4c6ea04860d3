// The one owner of currency rules: how many decimals a currency has in Stripe's API, Stripe's minimum
// charge per currency, converting site.yaml's major units to Stripe's minor units and back, and showing
// amounts. The site's pages, the build, the edge, stripe:sync and the local stand-in all use it, so the
// page never shows an amount Stripe would charge differently. Pure: runs in the core and in Node.
//
// Stripe's rules (https://docs.stripe.com/currencies):
// - Amounts are integers in the currency's smallest unit. Zero-decimal currencies (JPY, KRW, ...) have
//   none: 500 is ¥500.
// - Three-decimal currencies (BHD, JOD, KWD, OMR, TND) count thousandths, but Stripe only charges
//   amounts whose last digit is 0 (divisible by 10): in practice two decimals, 5.250 KWD is 5250.
// - ISK is zero-decimal but, for backwards compatibility, is sent as a two-decimal amount divisible by 100.
// - Each currency has a minimum charge ("Minimum and maximum charge amounts"); for currencies not listed
//   there Stripe uses the equivalent of 0.50 USD at the day's rate, which only Stripe can check.

/** Stripe's zero-decimal currencies. */
export const ZERO_DECIMAL: ReadonlySet<string> = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
/** Stripe's three-decimal currencies; amounts must be divisible by 10. */
export const THREE_DECIMAL: ReadonlySet<string> = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);
/** Sent as two-decimal amounts but charged in whole units only (amounts divisible by 100). */
const WHOLE_UNITS_ONLY: ReadonlySet<string> = new Set(['isk']);

/** Stripe's documented minimum charge, in minor units, for the currencies its table lists. */
const MINIMUM_CHARGE: Readonly<Record<string, number>> = {
  usd: 50, aed: 200, aud: 50, bgn: 100, brl: 50, cad: 50, chf: 50, czk: 1500, dkk: 250, eur: 50, gbp: 30,
  hkd: 400, huf: 17500, inr: 50, jpy: 50, mxn: 1000, myr: 200, nok: 300, nzd: 50, pln: 200, ron: 200,
  sek: 300, sgd: 50, thb: 1000,
};

const lower = (currency: string) => currency.toLowerCase();

/** Powers of ten between a major unit and Stripe's minor unit: 0, 2 or 3. */
export function minorExponent(currency: string): number {
  const c = lower(currency);
  return ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
}

/** Minor units per major unit: 1, 100 or 1000. */
export function minorUnits(currency: string): number {
  return 10 ** minorExponent(currency);
}

/** How many decimals a price may have and still be charged exactly: 0, or 2 (also for three-decimal currencies). */
export function chargeableDecimals(currency: string): number {
  const c = lower(currency);
  return ZERO_DECIMAL.has(c) || WHOLE_UNITS_ONLY.has(c) ? 0 : 2;
}

/** Stripe's minimum charge in minor units, or undefined where only Stripe knows it (a USD equivalent). */
export function minimumCharge(currency: string): number | undefined {
  return MINIMUM_CHARGE[lower(currency)];
}

/** A major-unit amount (site.yaml's 7 or 6.50) in Stripe's minor units. */
export function toMinorUnits(amount: number, currency: string): number {
  return Math.round(amount * minorUnits(currency));
}

export function fromMinorUnits(minor: number, currency: string): number {
  return minor / minorUnits(currency);
}

function decimalsOf(amount: number): number {
  for (let d = 0; d <= 6; d++) if (Math.abs(Math.round(amount * 10 ** d) - amount * 10 ** d) < 1e-6) return d;
  return 7;
}

/**
 * What is wrong with a major-unit price for Stripe, as the second half of "field: <problem>", or
 * undefined: decimals the currency cannot charge, or less than Stripe's minimum charge. (Non-positive
 * amounts and more than two decimals are the schema's own checks, reported once there.)
 */
export function priceProblem(amount: unknown, currency: string): string | undefined {
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0 || decimalsOf(amount) > 2) return undefined;
  const code = currency.toUpperCase();
  if (chargeableDecimals(currency) === 0 && !Number.isInteger(amount)) {
    return `expected a whole amount: Stripe charges ${code} without decimals, so ${amount} would be charged as ${Math.round(amount)}; write ${Math.floor(amount)} or ${Math.ceil(amount)}, got ${amount}`;
  }
  const minimum = minimumCharge(currency);
  if (minimum !== undefined && toMinorUnits(amount, currency) < minimum) {
    const major = fromMinorUnits(minimum, currency);
    return `expected at least ${formatMajor(major, currency)}, Stripe's minimum charge in ${code}; raise it to ${Number.isInteger(major) ? major : major.toFixed(2)} or more, got ${amount}`;
  }
  return undefined;
}

/** Text a fan typed ("5", "7.50", "7,50") to minor units, or undefined if it is not a chargeable amount. */
export function parseMajorUnits(text: string, currency: string): number | undefined {
  const m = /^\s*(\d{1,9})(?:[.,](\d{1,3}))?\s*$/.exec(text);
  if (!m) return undefined;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > chargeableDecimals(currency)) return undefined;
  const exponent = minorExponent(currency);
  return Number(m[1]) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
}

/** A major-unit amount as a fan reads it: "$7", "$6.50", "¥500", "KWD 5.25". Whole amounts drop ".00". */
export function formatMajor(amount: number, currency: string, language = 'en'): string {
  const whole = Number.isInteger(amount);
  const digits = whole ? 0 : Math.max(2, Math.min(decimalsOf(amount), minorExponent(currency)));
  return new Intl.NumberFormat(language, { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount);
}

/** Minor units as a fan reads them, with the currency's usual decimals: "$70.00", "¥500", "KWD 5.250". */
export function formatMinor(minor: number, currency: string, language = 'en-US'): string {
  const digits = chargeableDecimals(currency) === 0 ? 0 : minorExponent(currency);
  return new Intl.NumberFormat(language, { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fromMinorUnits(minor, currency));
}

/** Minor units as text for logs and stripe:sync: "7.00 USD", "700 JPY", "5.250 KWD". */
export function formatMoney(minor: number, currency: string): string {
  const exponent = minorExponent(currency);
  return `${fromMinorUnits(minor, currency).toFixed(exponent)} ${currency.toUpperCase()}`;
}
