// `npm run stripe:sync`: makes the Stripe account's products and prices match content/site.yaml, by lookup
// key (`truefans:tier:<id>:<month|year>`, `truefans:offer:<id>`), and prints what it changed. Prices are
// immutable in Stripe, so a changed amount creates a new price, moves the lookup key to it
// (`transfer_lookup_key`) and archives the old one; fans already subscribed keep their old price until
// they change plan. Running it twice changes nothing the second time.
//
// It also keeps one billing portal configuration for the site (Stripe refuses portal sessions until one
// exists): cancelling with a reason, updating the card, invoice history, and switching between every
// tier's monthly and yearly price with proration. Stripe's API cannot make a configuration the account's
// default (only the Dashboard can), so it is marked with `metadata.truefans_portal` and the edge finds it
// and passes its id when it opens a portal session (src/core/stripe/portal.ts).
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
import { ROUTES } from '../src/core/pages/views.ts';
import { PORTAL_METADATA_KEY } from '../src/core/stripe/portal.ts';

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
  // With Stripe Tax on, every price says whether it includes the tax (Stripe needs it on the price, or a
  // default in the account's Tax settings, to compute tax in Checkout; the price is explicit either way).
  const taxBehavior = site.tax === 'automatic' ? site.tax_prices : undefined;
  const products = await allProducts(stripe);
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
  changes.push(await syncPortal(stripe, site, tierPrices));
  return changes;
}

/** What the site's portal configuration must say; compared as JSON, so key order matters here. */
function wantedPortal(site: SiteConfig, tierPrices: ReadonlyMap<string, string[]>) {
  const products = [...tierPrices].map(([product, prices]) => ({ product, prices: [...prices].sort() }));
  return {
    headline: site.title.slice(0, 60),
    default_return_url: `${new URL(site.url).origin}${ROUTES.account}`,
    invoice_history: true,
    payment_method_update: true,
    cancel: { enabled: true, mode: 'at_period_end', reasons: ['too_expensive', 'unused', 'missing_features', 'switched_service', 'customer_service', 'too_complex', 'low_quality', 'other'] },
    update: products.length > 0 ? { enabled: true, proration_behavior: 'create_prorations', default_allowed_updates: ['price'], products } : { enabled: false },
  };
}

function portalSummary(c: Stripe.BillingPortal.Configuration): ReturnType<typeof wantedPortal> {
  const f = c.features;
  const update = f.subscription_update;
  return {
    headline: c.business_profile.headline ?? '',
    default_return_url: c.default_return_url ?? '',
    invoice_history: f.invoice_history.enabled,
    payment_method_update: f.payment_method_update.enabled,
    cancel: { enabled: f.subscription_cancel.enabled, mode: f.subscription_cancel.mode, reasons: f.subscription_cancel.cancellation_reason.enabled ? f.subscription_cancel.cancellation_reason.options : [] },
    update: update.enabled
      ? { enabled: true, proration_behavior: update.proration_behavior, default_allowed_updates: update.default_allowed_updates, products: (update.products ?? []).map((p) => ({ product: p.product, prices: [...p.prices].sort() })) }
      : { enabled: false },
  };
}

async function syncPortal(stripe: Stripe, site: SiteConfig, tierPrices: ReadonlyMap<string, string[]>): Promise<Change> {
  const origin = new URL(site.url).origin;
  const want = wantedPortal(site, tierPrices);
  const what = 'billing portal configuration';
  const switching = `${tierPrices.size} tier(s) switchable`;
  const params = {
    business_profile: { headline: want.headline },
    default_return_url: want.default_return_url,
    features: {
      // Email changes stay off: the email is how a fan signs in, and changing it belongs to the site.
      customer_update: { enabled: false },
      invoice_history: { enabled: want.invoice_history },
      payment_method_update: { enabled: want.payment_method_update },
      subscription_cancel: { enabled: true, mode: 'at_period_end' as const, cancellation_reason: { enabled: true, options: want.cancel.reasons as Stripe.BillingPortal.ConfigurationCreateParams.Features.SubscriptionCancel.CancellationReason.Option[] } },
      subscription_update:
        want.update.enabled && 'products' in want.update
          ? { enabled: true, default_allowed_updates: ['price' as const], proration_behavior: 'create_prorations' as const, products: want.update.products }
          : { enabled: false },
    },
    metadata: { [PORTAL_METADATA_KEY]: origin },
  };
  const existing = await findPortalConfiguration(stripe, origin);
  if (!existing) {
    const created = await stripe.billingPortal.configurations.create(params);
    return { kind: 'created', what, detail: `${switching} (${created.id})` };
  }
  if (existing.active && JSON.stringify(portalSummary(existing)) === JSON.stringify(want)) {
    return { kind: 'unchanged', what, detail: `${switching} (${existing.id})` };
  }
  await stripe.billingPortal.configurations.update(existing.id, { ...params, active: true });
  return { kind: 'updated', what, detail: `${switching} (${existing.id})` };
}

/** The configuration this site's sync made before, by its metadata mark (active or not). */
async function findPortalConfiguration(stripe: Stripe, origin: string): Promise<Stripe.BillingPortal.Configuration | undefined> {
  for await (const configuration of stripe.billingPortal.configurations.list({ limit: 100 })) {
    if (configuration.metadata?.[PORTAL_METADATA_KEY] === origin) return configuration;
  }
  return undefined;
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
