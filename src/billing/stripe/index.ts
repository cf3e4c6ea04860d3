// The Billing port over Stripe: the official `stripe` package, with the site's conventions (lookup keys,
// metadata marks, one fan across several customers). Every method turns a Stripe error into the core's
// BillingError. Typed by the core's BillingFactory, so it cannot drift from the port.

import type Stripe from 'stripe';
import type { Billing, BillingFactory, CheckoutStart, WallEntry } from '../../core/billing.ts';
import type { LegacyTiers } from '../../core/holdings.ts';
import { cleanWallName, WALL_METADATA } from '../../core/wall.ts';
import { readAccount, readMemberships } from './account.ts';
import { createStripe, subtleCrypto } from './client.ts';
import { checkoutRecord, readEntitlements, SESSION_CHARGE_EXPAND, subscriptionRecord, tierOfPrice } from './entitlements.ts';
import { DIGEST_STATUSES, digestMark, digestSubscriptions, markDigest } from './digest.ts';
import { decodeEvent } from './events.ts';
import { holdsTierElsewhere, readFan, readHoldings, rememberEmail } from './fans.ts';
import { billingError } from './faults.ts';
import { follow, setPostEmails } from './followers.ts';
import { GIFT_SUBSCRIPTION_MARK } from '../../core/gifts/rules.ts';
import { checkoutOfPayment, customerFor, endSubscription, giftCheckouts, giveMembership } from './gifts.ts';
import { portalConfiguration } from './portal.ts';

/** Pages of 100 subscriptions read per status when counting; beyond that the notice says "more than". */
const COUNT_PAGES = 10;

/**
 * Visits every active and trialing subscription (or those of `statuses`), at most COUNT_PAGES pages of 100
 * per status; `atLeast` says the pages ran out first (the notice then says "more than").
 */
async function eachLiveSubscription(stripe: Stripe, expand: string[], visit: (sub: Stripe.Subscription) => void, statuses: readonly ('active' | 'trialing' | 'past_due')[] = ['active', 'trialing']): Promise<{ atLeast: boolean }> {
  let atLeast = false;
  for (const status of statuses) {
    let after: string | undefined;
    for (let page = 0; ; page++) {
      if (page === COUNT_PAGES) {
        atLeast = true;
        break;
      }
      const list = await stripe.subscriptions.list({ status, limit: 100, ...(expand.length ? { expand } : {}), ...(after ? { starting_after: after } : {}) });
      for (const sub of list.data) visit(sub);
      if (!list.has_more || !list.data.length) break;
      after = list.data[list.data.length - 1]!.id;
    }
  }
  return { atLeast };
}

/** Members' wall names by tier: active and trialing site subscriptions, each with its customer expanded. */
async function supporterWall(stripe: Stripe, also: LegacyTiers | undefined): Promise<{ entries: WallEntry[]; atLeast: boolean }> {
  const seen = new Set<string>();
  const entries: WallEntry[] = [];
  const { atLeast } = await eachLiveSubscription(stripe, ['data.customer'], (sub) => {
    const tier = sub.items.data.map((item) => tierOfPrice(item.price, also)).find(Boolean) ?? undefined;
    const customer = sub.customer;
    if (!tier || typeof customer === 'string' || customer.deleted || seen.has(customer.id)) return;
    seen.add(customer.id);
    const name = cleanWallName(customer.metadata?.[WALL_METADATA]);
    if (name) entries.push({ tier, name });
  });
  return { entries, atLeast };
}

async function countFans(stripe: Stripe, also: LegacyTiers | undefined): Promise<{ fans: number; atLeast: boolean }> {
  const fans = new Set<string>();
  const { atLeast } = await eachLiveSubscription(stripe, [], (sub) => {
    // A gift membership is counted apart: it is not a paying fan.
    if (sub.metadata?.[GIFT_SUBSCRIPTION_MARK]) return;
    if (sub.items.data.some((item) => tierOfPrice(item.price, also))) fans.add(typeof sub.customer === 'string' ? sub.customer : sub.customer.id);
  });
  return { fans: fans.size, atLeast };
}

/** The core's checkout request as Stripe's parameters. */
function sessionParams(start: CheckoutStart): Stripe.Checkout.SessionCreateParams {
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: start.mode,
    // Stripe Tax needs the fan's address: Checkout asks for it, and for a known customer Stripe requires
    // `customer_update[address]=auto` to save it there (otherwise it refuses the session).
    ...(start.tax ? { automatic_tax: { enabled: true }, ...(start.tax.saveAddress ? { customer_update: { address: 'auto' as const, name: 'auto' as const } } : {}) } : {}),
    success_url: start.successUrl,
    cancel_url: start.cancelUrl,
    allow_promotion_codes: true,
    metadata: start.metadata,
    // custom_text[submit] (up to 1200 characters, Markdown links allowed:
    // docs.stripe.com/payments/checkout/customization/policies) needs no Dashboard setup.
    ...(start.submitMessage ? { custom_text: { submit: { message: start.submitMessage } } } : {}),
    // Without a customer, Stripe makes a new one (for a one-time payment only when asked to).
    ...(start.customer ? { customer: start.customer } : start.mode === 'subscription' ? {} : { customer_creation: 'always' as const }),
  };
  const item = start.item;
  params.line_items =
    'price' in item
      ? [{ price: item.price, quantity: 1 }]
      : [{ quantity: 1, price_data: { currency: item.currency, unit_amount: item.amount, product_data: { name: item.productName }, ...(item.taxBehavior ? { tax_behavior: item.taxBehavior } : {}) } }];
  if (start.subscription) params.subscription_data = { metadata: start.subscription.metadata, ...(start.subscription.trialDays ? { trial_period_days: start.subscription.trialDays } : {}) };
  if (start.paymentMetadata) params.payment_intent_data = { metadata: start.paymentMetadata };
  // Checkout's custom fields: type text, optional, its length capped (SessionCreateParams.CustomField); the
  // value comes back on the completed session's custom_fields[].text.value.
  if (start.wallField) {
    params.custom_fields = [{ key: start.wallField.key, label: { type: 'custom', custom: start.wallField.label }, type: 'text', optional: true, text: { maximum_length: start.wallField.maxLength } }];
  }
  return params;
}

/** Every method of `billing`, with Stripe's errors turned into BillingErrors. */
function guarded(billing: Billing): Billing {
  const out = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(billing) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    out[name] = (...args: unknown[]) => method(...args).catch((error: unknown) => Promise.reject(billingError(error)));
  }
  return out as unknown as Billing;
}

export const createStripeBilling: BillingFactory = (config, fetchImpl) => {
  const client = createStripe(config, fetchImpl);
  const portals = new Map<string, string>();
  const billing: Billing = {
    entitlements: async (customer, options) => readEntitlements(await client(), customer, options),
    holdings: async (customers, options) => readHoldings(await client(), customers, options),
    fan: async (email, options, log) => readFan(await client(), email, options, log),
    holdsTierElsewhere: async (email, customer, options, log) => holdsTierElsewhere(await client(), email, customer, options, log),
    memberships: async (customer, options) => readMemberships(await client(), customer, options),
    account: async (customers, options, verifiedEmail) => readAccount(await client(), customers, options, verifiedEmail),
    async customer(id) {
      const stripe = await client();
      const c = await stripe.customers.retrieve(id);
      return c.deleted ? { deleted: true, email: undefined, name: undefined, metadata: {} } : { deleted: false, email: c.email ?? undefined, name: c.name ?? undefined, metadata: c.metadata ?? {} };
    },
    async setCustomerMetadata(customer, metadata) {
      const stripe = await client();
      // Stripe merges `metadata` on update: keys not sent are kept (docs: "Updating metadata", customers.update).
      await stripe.customers.update(customer, { metadata });
    },
    async rememberEmail(customer) {
      const stripe = await client();
      const c = await stripe.customers.retrieve(customer);
      if (!c.deleted) await rememberEmail(stripe, c);
    },
    follow: async (email, nowMs, log) => follow(await client(), email, nowMs, log),
    setPostEmails: async (who, on, log) => setPostEmails(await client(), who, on, log),
    async findPrice(lookupKey) {
      const stripe = await client();
      const price = (await stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 })).data[0];
      return price ? { id: price.id, amount: price.unit_amount, currency: price.currency, interval: price.recurring?.interval } : undefined;
    },
    async startCheckout(start) {
      const stripe = await client();
      const session = await stripe.checkout.sessions.create(sessionParams(start));
      return { url: session.url };
    },
    async readCheckout(id) {
      const stripe = await client();
      return checkoutRecord(await stripe.checkout.sessions.retrieve(id, { expand: ['subscription', SESSION_CHARGE_EXPAND] }));
    },
    async checkoutMarks(id) {
      const stripe = await client();
      return checkoutRecord(await stripe.checkout.sessions.retrieve(id));
    },
    async markCheckout(id, mark, value) {
      const stripe = await client();
      await stripe.checkout.sessions.update(id, { metadata: { [mark]: value } });
    },
    async subscription(id) {
      const stripe = await client();
      return subscriptionRecord(await stripe.subscriptions.retrieve(id));
    },
    async chargeCustomer(id) {
      const stripe = await client();
      const customer = (await stripe.charges.retrieve(id)).customer;
      return typeof customer === 'string' ? customer : (customer?.id ?? undefined);
    },
    countFans: async (also) => countFans(await client(), also),
    supporterWall: async (also) => supporterWall(await client(), also),
    async digestSubscriptions(since) {
      const stripe = await client();
      return digestSubscriptions(stripe, since, (visit) => eachLiveSubscription(stripe, [], visit, DIGEST_STATUSES));
    },
    digestMark: async (siteOrigin) => digestMark(await client(), siteOrigin, portals),
    markDigest: async (configuration, week) => markDigest(await client(), configuration, week),
    portalConfiguration: async (siteOrigin) => portalConfiguration(await client(), siteOrigin, portals),
    async openPortal({ customer, returnUrl, configuration, planChange }) {
      const stripe = await client();
      const portal = await stripe.billingPortal.sessions.create({
        customer,
        ...(configuration ? { configuration } : {}),
        return_url: returnUrl,
        // Stripe: `subscription_update_confirm` takes the subscription and at most one item with its new
        // price (the price must be one the portal configuration allows); `after_completion.redirect.return_url`
        // is where the fan goes after confirming. Stripe computes and shows the proration itself.
        ...(planChange
          ? {
              flow_data: {
                type: 'subscription_update_confirm' as const,
                subscription_update_confirm: { subscription: planChange.subscription, items: [{ id: planChange.item, price: planChange.price, quantity: 1 }] },
                after_completion: { type: 'redirect' as const, redirect: { return_url: planChange.doneUrl } },
              },
            }
          : {}),
      });
      return portal.url;
    },
    customerFor: async (email, log) => customerFor(await client(), email, log),
    giveMembership: async (grant) => giveMembership(await client(), grant),
    endSubscription: async (id) => endSubscription(await client(), id),
    checkoutOfPayment: async (paymentIntent) => checkoutOfPayment(await client(), paymentIntent),
    giftCheckouts: async (since) => giftCheckouts(await client(), since),
    async verifyEvent(body, signature, secret, toleranceSeconds, nowMs) {
      const stripe = await client();
      // constructEventAsync with the SubtleCrypto provider; `receivedAt` is the core's clock.
      return decodeEvent(await stripe.webhooks.constructEventAsync(body, signature, secret, toleranceSeconds, await subtleCrypto(), nowMs));
    },
  };
  return guarded(billing);
};
