// Prices as fans read them: "$7", "$6.50", "€70". Amounts in site.yaml are in major units.

import { site } from 'virtual:truefans/site';

const formats = new Map<string, Intl.NumberFormat>();

export function formatMoney(amount: number, currency = site.currency, language = site.language): string {
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
