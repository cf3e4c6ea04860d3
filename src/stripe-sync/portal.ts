// The site's one billing portal configuration (Stripe refuses portal sessions until one exists):
// cancelling with a reason, updating the card, invoice history, and switching between every tier's monthly
// and yearly price with proration, and the legacy prices a tier's `also` claims (a Ghost or Substack fan
// manages billing there and may switch to a tier's price). Stripe's API cannot make a configuration the account's default (only the
// Dashboard can), so it is marked with `metadata.truefans_portal` and the edge finds it and passes its id
// when it opens a portal session (src/billing/stripe/portal.ts).

import type Stripe from 'stripe';
import type { SiteConfig } from '../config/site-schema.ts';
import { ROUTES } from '../core/paths.ts';
import { PORTAL_METADATA_KEY } from '../billing/stripe/portal.ts';
import type { Change } from './changes.ts';

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

/** Stripe: `features.subscription_update.products` is "the list of up to 10 products that support subscription updates". */
const MAX_PORTAL_PRODUCTS = 10;

export async function syncPortal(stripe: Stripe, site: SiteConfig, tierPrices: ReadonlyMap<string, string[]>, legacyPrices: ReadonlyMap<string, string[]> = new Map()): Promise<Change> {
  const origin = new URL(site.url).origin;
  // Stripe's docs on `products[].prices`: "the list of price IDs which, when subscribed to, a subscription can
  // be updated". Listing a legacy price lets its fans switch to a tier, and lets every member switch to it:
  // docs/moving-in.md says so. Tier products come first; legacy ones fill what is left of Stripe's 10.
  const room = Math.max(0, MAX_PORTAL_PRODUCTS - tierPrices.size);
  const legacy = [...legacyPrices].slice(0, room);
  const left = [...legacyPrices].slice(room).map(([product]) => product);
  const listed = new Map([...tierPrices, ...legacy]);
  const want = wantedPortal(site, listed);
  const what = 'billing portal configuration';
  const legacyCount = legacy.reduce((n, [, prices]) => n + prices.length, 0);
  const switching =
    `${tierPrices.size} tier(s) switchable` +
    (legacyCount ? `, ${legacyCount} legacy price(s) from tiers' \`also\`` : '') +
    (left.length ? `; left out (Stripe's portal switches between at most ${MAX_PORTAL_PRODUCTS} products): ${left.join(', ')}, whose fans can still cancel, update their card and see invoices there` : '');
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
