// Makes the Stripe account's products and prices match content/site.yaml, by lookup key
// (`truefans:tier:<id>:<month|year>`, `truefans:offer:<id>`), then the billing portal configuration
// (portal.ts). Prices are immutable in Stripe, so a changed amount creates a new price, moves the lookup key
// to it (`transfer_lookup_key`) and archives the old one; fans already subscribed keep their old price until
// they change plan. Running it twice changes nothing the second time. Subscriptions from elsewhere in the
// account (Ghost, Substack) are only read (legacy.ts): mapped ones join the portal, the rest are listed.

import type Stripe from 'stripe';
import type { SiteConfig } from '../config/site-schema.ts';
import { lookupKey } from '../core/manifest.ts';
import { formatMoney, toMinorUnits } from '../core/money.ts';
import type { Change } from './changes.ts';
import { readLegacy } from './legacy.ts';
import { syncPortal } from './portal.ts';

interface Wanted {
  key: string;
  label: string;
  productKey: { field: 'truefans_tier' | 'truefans_offer'; id: string };
  productName: string;
  productDescription: string;
  amount: number;
  interval: 'month' | 'year' | undefined;
}

function wanted(site: SiteConfig): Wanted[] {
  const out: Wanted[] = [];
  for (const tier of site.tiers) {
    for (const [interval, major] of [['month', tier.monthly], ['year', tier.yearly]] as const) {
      if (major === undefined) continue;
      out.push({
        key: lookupKey.tier(tier.id, interval),
        label: `tier ${tier.id} (${interval})`,
        productKey: { field: 'truefans_tier', id: tier.id },
        productName: tier.name,
        productDescription: tier.description,
        amount: toMinorUnits(major, site.currency),
        interval,
      });
    }
  }
  for (const offer of site.offers) {
    out.push({
      key: lookupKey.offer(offer.id),
      label: `offer ${offer.id}`,
      productKey: { field: 'truefans_offer', id: offer.id },
      productName: offer.name,
      productDescription: offer.description,
      amount: toMinorUnits(offer.price, site.currency),
      interval: undefined,
    });
  }
  return out;
}

async function allProducts(stripe: Stripe): Promise<Stripe.Product[]> {
  const products: Stripe.Product[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await stripe.products.list({ limit: 100, ...(after ? { starting_after: after } : {}) });
    products.push(...page.data);
    if (!page.has_more || !page.data.length) return products;
    after = page.data[page.data.length - 1]!.id;
  }
}

/** Makes Stripe match `site`. Returns one change per product and price, in site.yaml order. */
export async function syncStripe(stripe: Stripe, site: SiteConfig): Promise<Change[]> {
  const changes: Change[] = [];
  const currency = site.currency.toLowerCase();
  // With Stripe Tax on, every price says whether it includes the tax (Stripe needs it on the price, or a
  // default in the account's Tax settings, to compute tax in Checkout; the price is explicit either way).
  const taxBehavior = site.tax === 'automatic' ? site.tax_prices : undefined;
  const products = await allProducts(stripe);
  // Before anything changes: a wrong `also` id stops the sync with every problem listed.
  const legacy = await readLegacy(stripe, site, products);
  const productFor = new Map<string, Stripe.Product>();
  /** Each tier's product and its current prices, for the portal's plan switching. */
  const tierPrices = new Map<string, string[]>();
  const keep = (product: Stripe.Product, want: Wanted, price: string) => {
    if (want.productKey.field !== 'truefans_tier') return;
    tierPrices.set(product.id, [...(tierPrices.get(product.id) ?? []), price]);
  };

  for (const want of wanted(site)) {
    const pk = `${want.productKey.field}:${want.productKey.id}`;
    let product = productFor.get(pk);
    if (!product) {
      const found = products.find((p) => p.metadata?.[want.productKey.field] === want.productKey.id);
      const what = `product for ${want.productKey.field === 'truefans_tier' ? 'tier' : 'offer'} ${want.productKey.id}`;
      const description = want.productDescription || undefined;
      if (!found) {
        product = await stripe.products.create({ name: want.productName, ...(description ? { description } : {}), metadata: { [want.productKey.field]: want.productKey.id } });
        changes.push({ kind: 'created', what, detail: `"${want.productName}" (${product.id})` });
      } else if (found.name !== want.productName || (found.description ?? undefined) !== description || !found.active) {
        product = await stripe.products.update(found.id, { name: want.productName, description: description ?? '', active: true });
        changes.push({ kind: 'updated', what, detail: `"${want.productName}" (${product.id})` });
      } else {
        product = found;
        changes.push({ kind: 'unchanged', what, detail: `"${want.productName}" (${product.id})` });
      }
      productFor.set(pk, product);
    }

    const existing = (await stripe.prices.list({ lookup_keys: [want.key], limit: 1 })).data[0];
    const productId = existing ? (typeof existing.product === 'string' ? existing.product : existing.product.id) : undefined;
    const same =
      existing &&
      existing.active &&
      existing.unit_amount === want.amount &&
      existing.currency === currency &&
      productId === product.id &&
      (existing.recurring?.interval ?? undefined) === want.interval &&
      (taxBehavior === undefined || existing.tax_behavior === taxBehavior || existing.tax_behavior === 'unspecified');
    const money = `${formatMoney(want.amount, currency)}${want.interval ? ` per ${want.interval}` : ''}`;
    if (same && taxBehavior && existing.tax_behavior === 'unspecified') {
      // Stripe lets a price's tax behavior be set once, from unspecified; after that a change needs a new price.
      await stripe.prices.update(existing.id, { tax_behavior: taxBehavior });
      keep(product, want, existing.id);
      changes.push({ kind: 'updated', what: want.label, detail: `${money} (${want.key}), tax ${taxBehavior}` });
      continue;
    }
    if (same) {
      keep(product, want, existing.id);
      changes.push({ kind: 'unchanged', what: want.label, detail: `${money} (${want.key})` });
      continue;
    }
    const price = await stripe.prices.create({
      product: product.id,
      currency,
      unit_amount: want.amount,
      ...(want.interval ? { recurring: { interval: want.interval } } : {}),
      lookup_key: want.key,
      transfer_lookup_key: true,
      ...(taxBehavior ? { tax_behavior: taxBehavior } : {}),
      metadata: { [want.productKey.field]: want.productKey.id },
    });
    keep(product, want, price.id);
    if (existing) {
      if (existing.active) {
        // Stripe refuses to archive a price that is its product's `default_price`; the new price (same
        // product) takes that place first. A price that moved to another product leaves it unset there.
        const owner = await stripe.products.retrieve(productId!);
        if (owner.default_price === existing.id || (typeof owner.default_price === 'object' && owner.default_price?.id === existing.id)) {
          await stripe.products.update(owner.id, owner.id === product.id ? { default_price: price.id } : { default_price: '' });
        }
        await stripe.prices.update(existing.id, { active: false });
      }
      const was = existing.unit_amount === null ? 'a custom amount' : formatMoney(existing.unit_amount, existing.currency);
      changes.push({ kind: 'updated', what: want.label, detail: `${money} (${want.key}), was ${was}; new price ${price.id}, ${existing.id} archived` });
    } else {
      changes.push({ kind: 'created', what: want.label, detail: `${money} (${want.key}), ${price.id}` });
    }
  }
  changes.push(await syncPortal(stripe, site, tierPrices, legacy.portalPrices));
  changes.push(...legacy.unclaimed);
  return changes;
}
