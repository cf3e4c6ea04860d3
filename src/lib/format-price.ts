// Prices as people read them ("$7", "$6.50", "€70"), from an amount in major units as site.yaml writes
// it. Pure, so Node scripts (`npm start`'s tips) and the pages (through lib/money.ts) format alike.

const formats = new Map<string, Intl.NumberFormat>();

export function formatPrice(amount: number, currency: string, language: string): string {
  const whole = Number.isInteger(amount);
  const key = `${language}|${currency}|${whole}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, {
      style: 'currency',
      currency: currency.toUpperCase(),
      // Whole prices read better without ".00"; anything else keeps its cents.
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: whole ? 0 : 2,
    });
    formats.set(key, format);
  }
  return format.format(amount);
}
