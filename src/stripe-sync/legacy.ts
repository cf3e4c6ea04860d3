// Paying fans from elsewhere in the same Stripe account (a Ghost or Substack site's subscriptions):
// checks that every `tiers[].also` id exists and is recurring, finds the legacy prices the billing portal
// should list so those fans can manage their billing, and lists the recurring prices no tier claims, so the
// creator can map them. It only reads; it never changes a legacy price or subscription.

import type Stripe from 'stripe';
import type { SiteConfig } from '../config/site-schema.ts';
import { legacyTiersOf } from '../core/holdings.ts';
import { formatMoney } from '../core/money.ts';
import { tierOfPrice } from '../billing/stripe/entitlements.ts';
import type { Change } from './changes.ts';

/** Unclaimed prices whose subscriptions are counted (one list call each); the rest say "not counted". */
const COUNTED = 25;

export interface Legacy {
  /** Legacy product -> its active recurring prices a tier claims, for the portal. */
  portalPrices: Map<string, string[]>;
  /** One line per unclaimed recurring price (kind `unclaimed`). */
  unclaimed: Change[];
}

async function allActiveRecurringPrices(stripe: Stripe): Promise<Stripe.Price[]> {
  const out: Stripe.Price[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await stripe.prices.list({ active: true, type: 'recurring', limit: 100, ...(after ? { starting_after: after } : {}) });
    out.push(...page.data);
    if (!page.has_more || !page.data.length) return out;
    after = page.data[page.data.length - 1]!.id;
  }
}

const productOf = (price: Stripe.Price) => (typeof price.product === 'string' ? price.product : price.product.id);

function money(price: Stripe.Price): string {
  const amount = price.unit_amount === null ? 'a custom amount' : formatMoney(price.unit_amount, price.currency);
  const r = price.recurring;
  return r ? `${amount} every ${r.interval_count > 1 ? `${r.interval_count} ${r.interval}s` : r.interval}` : amount;
}

/** Throws one Error listing every `also` id Stripe does not know or that cannot be a membership. */
async function checkIds(stripe: Stripe, site: SiteConfig, products: ReadonlyMap<string, Stripe.Product>, prices: ReadonlyMap<string, Stripe.Price>): Promise<Map<string, Stripe.Price>> {
  const problems: string[] = [];
  const extra = new Map<string, Stripe.Price>();
  for (const [i, tier] of site.tiers.entries()) {
    for (const id of tier.also) {
      const at = `content/site.yaml: tiers[${i}].also: ${id}`;
      if (id.startsWith('prod_')) {
        if (!products.has(id)) problems.push(`${at}: no such product in this Stripe account (test mode and live mode have different ids; copy it from the Dashboard of the mode this key is for)`);
        continue;
      }
      let price = prices.get(id);
      if (!price) {
        try {
          // An archived price is not in the active list, yet its subscribers still pay and still count.
          price = await stripe.prices.retrieve(id);
          extra.set(id, price);
        } catch (error) {
          if ((error as { code?: string }).code !== 'resource_missing') throw error;
          problems.push(`${at}: no such price in this Stripe account (test mode and live mode have different ids; copy it from the Dashboard of the mode this key is for)`);
          continue;
        }
      }
      if (!price.recurring) problems.push(`${at}: a one-time price, not a subscription; only recurring prices can count as a tier`);
    }
  }
  if (problems.length) throw new Error(`Nothing was changed in Stripe:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return extra;
}

export async function readLegacy(stripe: Stripe, site: SiteConfig, allProducts: readonly Stripe.Product[]): Promise<Legacy> {
  const also = legacyTiersOf(site.tiers);
  const products = new Map(allProducts.map((p) => [p.id, p]));
  const active = await allActiveRecurringPrices(stripe);
  const prices = new Map(active.map((p) => [p.id, p]));
  await checkIds(stripe, site, products, prices);

  const portalPrices = new Map<string, string[]>();
  const unclaimed: Change[] = [];
  let counted = 0;
  for (const price of active) {
    const own = tierOfPrice(price);
    if (own) continue;
    const tier = tierOfPrice(price, also);
    if (tier) {
      // The portal lists only active prices; a fan on an archived legacy price can still cancel, update the
      // card and see invoices there (those features do not depend on the products list).
      portalPrices.set(productOf(price), [...(portalPrices.get(productOf(price)) ?? []), price.id]);
      continue;
    }
    const product = products.get(productOf(price));
    if (product?.metadata?.truefans_tier || product?.metadata?.truefans_offer) continue;
    let subscribers = 'not counted';
    if (counted < COUNTED) {
      counted++;
      const page = await stripe.subscriptions.list({ price: price.id, status: 'active', limit: 100 });
      subscribers = `${page.data.length}${page.has_more ? '+' : ''} active subscription(s)`;
    }
    unclaimed.push({ kind: 'unclaimed', what: `${price.id} ("${product?.name ?? productOf(price)}", ${productOf(price)})`, detail: `${money(price)}, ${subscribers}` });
  }
  return { portalPrices, unclaimed };
}
