// Prices as fans read them on the site's pages: "$7", "$6.50", "€70". Amounts in site.yaml are in major
// units; the currency rules themselves live in src/core/money.ts, shared with Stripe's amounts.

import { site } from 'virtual:truefans/site';
import { formatMajor } from '../core/money.ts';

export function formatSitePrice(amount: number, currency = site.currency, language = site.language): string {
  return formatMajor(amount, currency, language);
}

/** The lowest monthly price of any tier (a yearly-only tier counts as a twelfth, to the cent), for
 *  "join from $5 a month"; undefined when the site has no tiers. */
export function cheapestMonthly(tiers = site.tiers): number | undefined {
  if (!tiers.length) return undefined;
  const monthly = Math.min(...tiers.map((t) => t.monthly ?? (t.yearly ?? Infinity) / 12));
  return Math.round(monthly * 100) / 100;
}
