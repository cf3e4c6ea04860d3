// The sync behind `npm run stripe:sync` and `npm start`, against the local stand-in through the real
// `stripe` package: creates, then changes nothing, then moves a lookup key to a new price when an amount
// changes, and keeps the portal configuration current.

import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { siteSchema } from '../../src/config/site-schema.ts';
import { syncStripe } from '../../src/stripe-sync/catalog.ts';
import { formatChanges } from '../../src/stripe-sync/changes.ts';
import { startStripeStandIn, type StandIn } from '../../tools/stripe-local/index.ts';
import { client } from '../tools/stripe-local/helpers.ts';

let standIn: StandIn;
let stripe: Stripe;
beforeEach(async () => {
  standIn = await startStripeStandIn({ port: 0, now: Date.UTC(2026, 10, 22) });
  stripe = client(standIn);
});
afterEach(async () => {
  await standIn.close();
});

/** What a creator writes in site.yaml. */
const input: z.input<typeof siteSchema> = {
  title: 'Mira Lune',
  url: 'https://mira.example',
  author: { name: 'Mira Lune' },
  tiers: [
    { id: 'supporter', name: 'Supporter', monthly: 7, yearly: 70 },
    { id: 'patron', name: 'Patron', description: 'Everything, first.', monthly: 15 },
  ],
  offers: [{ id: 'field-recordings', name: 'Field recordings, vol. 1', price: 12.5 }],
};

describe('stripe:sync', () => {
  it('creates products and prices by lookup key, then changes nothing', async () => {
    const first = await syncStripe(stripe, siteSchema.parse(input));
    expect(first.map((c) => `${c.kind} ${c.what}`)).toEqual([
      'created product for tier supporter',
      'created tier supporter (month)',
      'created tier supporter (year)',
      'created product for tier patron',
      'created tier patron (month)',
      'created product for offer field-recordings',
      'created offer field-recordings',
      'created billing portal configuration',
    ]);
    const prices = await stripe.prices.list({ lookup_keys: ['truefans:tier:supporter:month', 'truefans:tier:supporter:year', 'truefans:tier:patron:month', 'truefans:offer:field-recordings'] });
    const byKey = Object.fromEntries(prices.data.map((p) => [p.lookup_key, p]));
    expect(byKey['truefans:tier:supporter:month']).toMatchObject({ unit_amount: 700, currency: 'usd', recurring: { interval: 'month' } });
    expect(byKey['truefans:tier:supporter:year']).toMatchObject({ unit_amount: 7000, recurring: { interval: 'year' } });
    expect(byKey['truefans:offer:field-recordings']).toMatchObject({ unit_amount: 1250, recurring: null, type: 'one_time' });
    const product = await stripe.products.retrieve(byKey['truefans:tier:patron:month']!.product as string);
    expect(product).toMatchObject({ name: 'Patron', description: 'Everything, first.', metadata: { truefans_tier: 'patron' } });

    const second = await syncStripe(stripe, siteSchema.parse(input));
    expect(second.every((c) => c.kind === 'unchanged')).toBe(true);
    expect(formatChanges(second).split('\n').pop()).toBe('0 created, 0 updated, 8 unchanged.');
  });

  it('a changed amount makes a new price, moves the lookup key and archives the old price', async () => {
    await syncStripe(stripe, siteSchema.parse(input));
    const old = (await stripe.prices.list({ lookup_keys: ['truefans:tier:supporter:month'] })).data[0]!;
    const changed = await syncStripe(stripe, siteSchema.parse({ ...input, tiers: [{ ...input.tiers![0]!, name: 'Supporters', monthly: 8 }, input.tiers![1]!] }));
    expect(changed.filter((c) => c.kind !== 'unchanged').map((c) => `${c.kind} ${c.what}`)).toEqual(['updated product for tier supporter', 'updated tier supporter (month)', 'updated billing portal configuration']);
    const now = (await stripe.prices.list({ lookup_keys: ['truefans:tier:supporter:month'] })).data[0]!;
    expect(now.id).not.toBe(old.id);
    expect(now.unit_amount).toBe(800);
    expect((await stripe.prices.retrieve(old.id)).active).toBe(false);
    expect(changed.find((c) => c.what === 'tier supporter (month)')!.detail).toContain('8.00 USD per month (truefans:tier:supporter:month), was 7.00 USD');
  });

  it('makes a portal configuration that switches between every tier price with proration, and keeps it current', async () => {
    await syncStripe(stripe, siteSchema.parse(input));
    const configurations = await stripe.billingPortal.configurations.list();
    expect(configurations.data).toHaveLength(1);
    const configuration = configurations.data[0]!;
    expect(configuration.metadata).toEqual({ truefans_portal: 'https://mira.example' });
    expect(configuration.default_return_url).toBe('https://mira.example/_truefans/account');
    expect(configuration.features).toMatchObject({
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      customer_update: { enabled: false },
      subscription_cancel: { enabled: true, mode: 'at_period_end', cancellation_reason: { enabled: true } },
      subscription_update: { enabled: true, proration_behavior: 'create_prorations', default_allowed_updates: ['price'] },
    });
    const key = async (k: string) => (await stripe.prices.list({ lookup_keys: [k] })).data[0]!;
    const supporter = [await key('truefans:tier:supporter:month'), await key('truefans:tier:supporter:year')];
    const patron = await key('truefans:tier:patron:month');
    const listed = (c: Stripe.BillingPortal.Configuration) => Object.fromEntries((c.features.subscription_update.products ?? []).map((p) => [p.product, [...p.prices].sort()]));
    expect(listed(configuration)).toEqual({ [supporter[0]!.product as string]: supporter.map((p) => p.id).sort(), [patron.product as string]: [patron.id] });

    // A new price replaces the archived one in the same configuration (its id never changes).
    await syncStripe(stripe, siteSchema.parse({ ...input, tiers: [input.tiers![0]!, { ...input.tiers![1]!, monthly: 16 }] }));
    const after = (await stripe.billingPortal.configurations.list()).data;
    expect(after.map((c) => c.id)).toEqual([configuration.id]);
    const newPatron = await key('truefans:tier:patron:month');
    expect(listed(after[0]!)[patron.product as string]).toEqual([newPatron.id]);

    // A portal session on it switches the fan only between those prices.
    const customer = await stripe.customers.create({ email: 'fan@example.com' });
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: configuration.id });
    expect(session.configuration).toBe(configuration.id);
  });

  it('moves the default price of a product before archiving it, as Stripe requires', async () => {
    await syncStripe(stripe, siteSchema.parse(input));
    const old = (await stripe.prices.list({ lookup_keys: ['truefans:tier:supporter:month'] })).data[0]!;
    // A creator who set the price as the product's default in the Dashboard.
    await stripe.products.update(old.product as string, { default_price: old.id });
    // The stand-in refuses to archive it, as Stripe does.
    await expect(stripe.prices.update(old.id, { active: false })).rejects.toMatchObject({ statusCode: 400, param: 'active' });
    await syncStripe(stripe, siteSchema.parse({ ...input, tiers: [{ ...input.tiers![0]!, monthly: 9 }, input.tiers![1]!] }));
    const now = (await stripe.prices.list({ lookup_keys: ['truefans:tier:supporter:month'] })).data[0]!;
    expect(now.unit_amount).toBe(900);
    expect((await stripe.prices.retrieve(old.id)).active).toBe(false);
    expect((await stripe.products.retrieve(old.product as string)).default_price).toBe(now.id);
  });
});
