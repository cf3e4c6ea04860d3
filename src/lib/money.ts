// Prices as fans read them on the site's pages: "$7", "$6.50", "€70". Amounts in site.yaml are in major
// units; the currency rules themselves live in src/core/money.ts, shared with Stripe's amounts.

import { site } from 'virtual:truefans/site';
import { formatMajor } from '../core/money.ts';

export function formatMoney(amount: number, currency = site.currency, language = site.language): string {
  return formatMajor(amount, currency, language);
}
