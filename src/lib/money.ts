// Prices as fans read them: "$7", "$6.50", "€70". Amounts in site.yaml are in major units.

import { site } from 'virtual:truefans/site';
import { formatPrice } from './format-price.ts';

export function formatMoney(amount: number, currency = site.currency, language = site.language): string {
  return formatPrice(amount, currency, language);
}
