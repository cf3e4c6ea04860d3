// stripe:sync with subscriptions from elsewhere in the account (Ghost, Substack), against the stand-in
// through the real stripe package: a tier's `also` puts those prices in the billing portal, every other
// recurring price is listed for the creator to map, and a wrong id stops the sync before anything changes.

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

const input = (patronAlso: string[]): z.input<typeof siteSchema> => ({
  title: 'Mira Lune',
  url: 'https://mira.example',
  author: { name: 'Mira Lune' },
  tiers: [
    { id: 'supporter', name: 'Supporter', monthly: 7 },
    { id: 'patron', name: 'Patron', monthly: 15, also: patronAlso },
  ],
});

async function subscriber(email: string, price: string) {
  const customer = await stripe.customers.create({ email });
  const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
  return stripe.subscriptions.create({ customer: customer.id, items: [{ price }], default_payment_method: pm.id, payment_behavior: 'error_if_incomplete' });
}

/** What a Ghost site and a Substack publication left in the account. */
async function elsewhere() {
  await stripe.products.create({ id: 'prod_GhostGold', name: 'Gold (Ghost)' });
  const ghostMonthly = await stripe.prices.create({ product: 'prod_GhostGold', currency: 'usd', unit_amount: 900, recurring: { interval: 'month' } });
  const ghostYearly = await stripe.prices.create({ product: 'prod_GhostGold', currency: 'usd', unit_amount: 9000, recurring: { interval: 'year' } });
  const founding = await stripe.products.create({ name: 'Founding member' });
  const substack = await stripe.prices.create({ product: founding.id, currency: 'usd', unit_amount: 25000, recurring: { interval: 'year' } });
  const ghostFan = await subscriber('gold@ghost.example', ghostMonthly.id);
  await subscriber('one@substack.example', substack.id);
  await subscriber('two@substack.example', substack.id);
  return { ghostMonthly, ghostYearly, substack, founding, ghostFan };
}

describe('stripe:sync with paying fans from elsewhere', () => {
  it("puts a tier's `also` prices in the portal and lists the recurring prices no tier claims", async () => {
    const { ghostMonthly, ghostYearly, substack, founding, ghostFan } = await elsewhere();
    const changes = await syncStripe(stripe, siteSchema.parse(input(['prod_GhostGold'])));
    const portal = changes.find((c) => c.what === 'billing portal configuration')!;
    expect(portal.detail).toMatch(/^2 tier\(s\) switchable, 2 legacy price\(s\) from tiers' `also` \(bpc_/);

    const configuration = (await stripe.billingPortal.configurations.list()).data[0]!;
    const listed = Object.fromEntries((configuration.features.subscription_update.products ?? []).map((p) => [p.product, [...p.prices].sort()]));
    expect(listed.prod_GhostGold).toEqual([ghostMonthly.id, ghostYearly.id].sort());
    expect(Object.keys(listed)).toHaveLength(3);
    // The Ghost fan's portal opens on it, for their own subscription.
    const session = await stripe.billingPortal.sessions.create({ customer: String(ghostFan.customer), configuration: configuration.id });
    expect(session.configuration).toBe(configuration.id);

    const unclaimed = changes.filter((c) => c.kind === 'unclaimed');
    expect(unclaimed.map((c) => `${c.what}: ${c.detail}`)).toEqual([`${substack.id} ("Founding member", ${founding.id}): 250.00 USD every year, 2 active subscription(s)`]);
    const printed = formatChanges(changes).split('\n');
    expect(printed).toContain(`  ${substack.id} ("Founding member", ${founding.id}): 250.00 USD every year, 2 active subscription(s)`);
    expect(printed.at(-1)).toBe('5 created, 0 updated, 0 unchanged.') // two products, two prices, the portal;

    // Mapped, it is no longer listed; running again changes nothing.
    const again = await syncStripe(stripe, siteSchema.parse(input(['prod_GhostGold', substack.id])));
    expect(again.filter((c) => c.kind === 'unclaimed')).toEqual([]);
    expect(again.find((c) => c.what === 'billing portal configuration')!.kind).toBe('updated');
    const third = await syncStripe(stripe, siteSchema.parse(input(['prod_GhostGold', substack.id])));
    expect(third.every((c) => c.kind === 'unchanged')).toBe(true);
  });

  it('stops on an id the account does not have, naming the tier, before it changes anything', async () => {
    await elsewhere();
    const before = (await stripe.products.list({ limit: 100 })).data.length;
    await expect(syncStripe(stripe, siteSchema.parse(input(['price_1NotInThisAccount', 'prod_Nope'])))).rejects.toThrow(
      'Nothing was changed in Stripe:\n' +
        '  - content/site.yaml: tiers[1].also: price_1NotInThisAccount: no such price in this Stripe account (test mode and live mode have different ids; copy it from the Dashboard of the mode this key is for)\n' +
        '  - content/site.yaml: tiers[1].also: prod_Nope: no such product in this Stripe account',
    );
    expect((await stripe.products.list({ limit: 100 })).data).toHaveLength(before);
    expect((await stripe.billingPortal.configurations.list()).data).toEqual([]);
  });
});
