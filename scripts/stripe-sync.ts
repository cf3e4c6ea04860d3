// `npm run stripe:sync`: makes the Stripe account's products and prices match content/site.yaml, by lookup
// key (`truefans:tier:<id>:<month|year>`, `truefans:offer:<id>`), and prints what it changed. Prices are
// immutable in Stripe, so a changed amount creates a new price, moves the lookup key to it
// (`transfer_lookup_key`) and archives the old one; fans already subscribed keep their old price until
// they change plan. Running it twice changes nothing the second time.
//
// Usage: STRIPE_SECRET_KEY=sk_... [STRIPE_API_BASE=http://127.0.0.1:12111] node scripts/stripe-sync.ts

import { pathToFileURL } from 'node:url';
import Stripe from 'stripe';
import { relative, join } from 'node:path';
import { loadDotEnv } from '../src/config/dotenv.ts';
import { contentDir, loadSite } from '../src/config/load.ts';
import type { SiteConfig } from '../src/config/site-schema.ts';
import { apiBase } from '../src/core/env.ts';
import { lookupKey } from '../src/core/manifest.ts';
import { formatMoney, toMinorUnits } from '../src/core/money.ts';

export type ChangeKind = 'created' | 'updated' | 'unchanged';

export interface Change {
  kind: ChangeKind;
  /** What it is, like `tier supporter (month)` or `product for tier supporter`. */
  what: string;
  detail: string;
}

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
  const products = await allProducts(stripe);
  const productFor = new Map<string, Stripe.Product>();

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
      (existing.recurring?.interval ?? undefined) === want.interval;
    const money = `${formatMoney(want.amount, currency)}${want.interval ? ` per ${want.interval}` : ''}`;
    if (same) {
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
      metadata: { [want.productKey.field]: want.productKey.id },
    });
    if (existing) {
      if (existing.active) await stripe.prices.update(existing.id, { active: false });
      const was = existing.unit_amount === null ? 'a custom amount' : formatMoney(existing.unit_amount, existing.currency);
      changes.push({ kind: 'updated', what: want.label, detail: `${money} (${want.key}), was ${was}; new price ${price.id}, ${existing.id} archived` });
    } else {
      changes.push({ kind: 'created', what: want.label, detail: `${money} (${want.key}), ${price.id}` });
    }
  }
  return changes;
}

export function formatChanges(changes: readonly Change[]): string {
  const lines = changes.map((c) => `${c.kind.padEnd(9)} ${c.what}: ${c.detail}`);
  const count = (k: ChangeKind) => changes.filter((c) => c.kind === k).length;
  lines.push(`${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged.`);
  return lines.join('\n');
}

export function stripeFromEnv(env: NodeJS.ProcessEnv): Stripe {
  const key = env.STRIPE_SECRET_KEY?.trim();
  if (!key) throw new Error(`STRIPE_SECRET_KEY is not set. Copy your secret key (sk_test_... to try it out) from https://dashboard.stripe.com/apikeys, then run:\n  STRIPE_SECRET_KEY=sk_test_... npm run stripe:sync`);
  let api;
  try {
    api = apiBase(env.STRIPE_API_BASE?.trim() || undefined);
  } catch {
    throw new Error('STRIPE_API_BASE must be a full http(s) URL, like http://127.0.0.1:12111.');
  }
  return new Stripe(key, { maxNetworkRetries: 2, ...(api ? { host: api.host, port: api.port, protocol: api.protocol } : {}) });
}

async function main(): Promise<void> {
  loadDotEnv();
  try {
    const stripe = stripeFromEnv(process.env);
    const site = loadSite();
    const where = process.env.STRIPE_API_BASE?.trim() ? process.env.STRIPE_API_BASE.trim() : `Stripe (${process.env.STRIPE_SECRET_KEY!.includes('_live_') ? 'live mode' : 'test mode'})`;
    const file = relative(process.cwd(), join(contentDir(), 'site.yaml')) || 'site.yaml';
    console.log(`Syncing ${site.tiers.length} tier(s) and ${site.offers.length} offer(s) from ${file} to ${where}...`);
    console.log(formatChanges(await syncStripe(stripe, site)));
  } catch (error) {
    const e = error as { message?: string; statusCode?: number };
    console.error(e.statusCode === 401 ? 'Stripe does not accept STRIPE_SECRET_KEY. Copy it again from https://dashboard.stripe.com/apikeys.' : (e.message ?? String(error)));
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
