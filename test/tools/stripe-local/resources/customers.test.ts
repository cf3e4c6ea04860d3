// Customers as Stripe finds them: search matches exactly (Stripe promises nothing about letter case, so the
// stand-in takes the strict reading) and lags behind writes (and is refused
// where Stripe offers no search), and a missing customer named by a parameter is a 400 resource_missing.
import { describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import type { StandIn } from '../../../../tools/stripe-local/index.ts';
import { caught, freshForEachTest, makeTier, start } from '../helpers.ts';

let standIn: StandIn;
let stripe: Stripe;

freshForEachTest((world) => ({ standIn, stripe } = world), { searchLagSeconds: 30 });

describe('customer search', () => {
  it('finds customers by exact email or metadata value, in Stripe\'s search_result shape, after the indexing lag', async () => {
    const a = await stripe.customers.create({ email: 'Jane.Doe@Example.com', metadata: { truefans_email: 'jane.doe@example.com' } });
    const b = await stripe.customers.create({ email: 'jane.doe@example.com' });
    await stripe.customers.create({ email: 'other@example.com' });
    const query = "email:'jane.doe@example.com' OR metadata['truefans_email']:'jane.doe@example.com'";
    // Just created: not searchable yet, while list sees the exact form at once.
    expect((await stripe.customers.search({ query })).data).toEqual([]);
    expect((await stripe.customers.list({ email: 'jane.doe@example.com' })).data.map((c) => c.id)).toEqual([b.id]);
    await standIn.clock.advance(31);
    const found = await stripe.customers.search({ query, limit: 1 });
    expect(found.object).toBe('search_result');
    expect(found.url).toBe('/v1/customers/search');
    expect(found.data.map((c) => c.id)).toEqual([b.id]);
    expect(found.has_more).toBe(true);
    expect(typeof found.next_page).toBe('string');
    const next = await stripe.customers.search({ query, limit: 1, page: found.next_page! });
    expect(next.data.map((c) => c.id)).toEqual([a.id]);
    expect(next.has_more).toBe(false);
    expect(next.next_page).toBeNull();
    // The strict reading: another letter case matches nothing.
    expect((await stripe.customers.search({ query: "email:'JANE.DOE@example.com'" })).data).toEqual([]);
    // Double quotes and escapes work too.
    expect((await stripe.customers.search({ query: 'email:"jane.doe@example.com"', limit: 100 })).data.map((c) => c.id)).toEqual([b.id]);
    const quoted = await stripe.customers.create({ email: "o'brien@example.com" });
    await standIn.clock.advance(31);
    expect((await stripe.customers.search({ query: "email:'o\\'brien@example.com'" })).data.map((c) => c.id)).toEqual([quoted.id]);
  });

  it('refuses queries it does not support with Stripe\'s error shape', async () => {
    for (const query of ["name:'Jane'", "email~'jane'", "email:'a@b.c' AND email:'d@e.f'", 'email:jane@example.com', "metadata['a b']:'x'"]) {
      const error = await caught(stripe.customers.search({ query }));
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode).toBe(400);
      expect(error.param).toBe('query');
    }
    const missing = await caught(stripe.customers.search({} as Stripe.CustomerSearchParams));
    expect(missing.code).toBe('parameter_missing');
  });

  it('refuses every search where Stripe offers none (India)', async () => {
    const { standIn: india, stripe: client } = await start({ searchUnavailable: true });
    try {
      const error = await caught(client.customers.search({ query: "email:'a@example.com'" }));
      expect(error.statusCode).toBe(400);
      expect(error.type).toBe('StripeInvalidRequestError');
      expect(error.message).toContain('India');
    } finally {
      await india.close();
    }
  });
});

describe('a customer Stripe does not know', () => {
  it('is a 404 in the URL and a 400 resource_missing as a filter or a create parameter', async () => {
    const retrieve = await caught(stripe.customers.retrieve('cus_gone'));
    expect(retrieve.statusCode).toBe(404);
    expect(retrieve.code).toBe('resource_missing');
    const { month } = await makeTier(stripe);
    const calls: Promise<unknown>[] = [
      stripe.subscriptions.list({ customer: 'cus_gone', status: 'all' }),
      stripe.checkout.sessions.list({ customer: 'cus_gone' }),
      stripe.invoices.list({ customer: 'cus_gone' }),
      stripe.billingPortal.sessions.create({ customer: 'cus_gone' }),
      stripe.checkout.sessions.create({ mode: 'subscription', customer: 'cus_gone', line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' }),
    ];
    for (const call of calls) {
      const error = await caught(call);
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('resource_missing');
      expect(error.param).toBe('customer');
      expect(error.message).toBe("No such customer: 'cus_gone'");
    }
    // A deleted customer is gone for filters too.
    const deleted = await stripe.customers.create({ email: 'bye@example.com' });
    await stripe.customers.del(deleted.id);
    expect((await caught(stripe.subscriptions.list({ customer: deleted.id }))).code).toBe('resource_missing');
  });
});

describe('listing customers by creation time', () => {
  it('filters on created[lte] and created[gt] as Stripe documents, and on an exact time', async () => {
    const first = await stripe.customers.create({ email: 'first@example.com' });
    await standIn.clock.advance(60);
    const second = await stripe.customers.create({ email: 'second@example.com' });
    const ids = async (created: Stripe.RangeQueryParam | number) => (await stripe.customers.list({ created, limit: 100 })).data.map((c) => c.id);
    expect(await ids({ lte: first.created })).toEqual([first.id]);
    expect(await ids({ gt: first.created })).toEqual([second.id]);
    expect(await ids(second.created)).toEqual([second.id]);
    expect((await ids({ gte: first.created })).sort()).toEqual([first.id, second.id].sort());
  });
});
