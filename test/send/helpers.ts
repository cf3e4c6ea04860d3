// Shared setup for the send tests: one real build of the send fixture site, the local Stripe stand-in with
// that site's catalogue synced by the real stripe:sync code, fans made through the real `stripe` package,
// and a provider stand-in that keeps what it is given.

import type Stripe from 'stripe';
import { join } from 'node:path';
import { loadSite } from '../../src/config/load.ts';
import { syncStripe } from '../../src/stripe-sync/catalog.ts';
import { lookupKey } from '../../src/core/manifest.ts';
import type { OutMessage, Sender } from '../../src/send/providers/types.ts';
import { ROOT } from '../helpers/build-site.ts';

export const SEND_FIXTURE = join(ROOT, 'test/fixtures/send-site');
/** The send's own clock: after every fixture post's date, before the future one's. */
export const SEND_NOW = Date.UTC(2026, 10, 1, 12);

export async function syncFixtureCatalog(stripe: Stripe): Promise<void> {
  await syncStripe(stripe, loadSite(SEND_FIXTURE, ROOT));
}

export async function follower(stripe: Stripe, email: string, extra: Stripe.MetadataParam = {}, name?: string) {
  return stripe.customers.create({ email, ...(name ? { name } : {}), metadata: { truefans_follower: 'yes', ...extra } });
}

/** A paying member of `tier` (an active subscription with a card on file). */
export async function member(stripe: Stripe, email: string, tier: string, metadata: Stripe.MetadataParam = {}, customer?: Stripe.Customer) {
  const c = customer ?? (await stripe.customers.create({ email, metadata }));
  const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
  const price = (await stripe.prices.list({ lookup_keys: [lookupKey.tier(tier, 'month')] })).data[0]!;
  const sub = await stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }], default_payment_method: pm.id, payment_behavior: 'error_if_incomplete' });
  return { customer: c, subscription: sub };
}

/** A provider stand-in: accepts everything and keeps each message. */
export function keepingSender(batchSize = 100): Sender & { messages: OutMessage[] } {
  const messages: OutMessage[] = [];
  return {
    name: 'test provider',
    batchSize,
    idempotent: false,
    messages,
    async send(batch) {
      messages.push(...batch);
      return batch.map(() => ({ ok: true }));
    },
  };
}
