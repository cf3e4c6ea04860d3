// `tax: automatic`: Checkout sessions ask Stripe Tax for the tax, stripe:sync gives every price a tax
// behavior, and the stand-in refuses what Stripe refuses (a known customer without an address and no
// `customer_update`, prices without a tax behavior).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteSchema } from '../../src/config/site-schema.ts';
import { syncStripe } from '../../src/stripe-sync/catalog.ts';
import { cookiesFrom, cookieHeader, form, request } from './helpers/handler.ts';
import { fixtureSite, payOnHostedPage, startWorld, type World } from './helpers/stand-in.ts';
import { buildFixture, type Fixture } from './helpers/site.ts';

let fixture: Fixture;
let world: World;
beforeAll(async () => {
  fixture = await buildFixture({ tax: 'automatic' });
  world = await startWorld(fixture);
});
afterAll(async () => {
  await world.close();
  fixture.cleanup();
});

const sessionOf = (location: string) => world.stripe.checkout.sessions.retrieve(/\/c\/pay\/(cs_[^/?]+)/.exec(location)![1]!);

describe('tax: automatic', () => {
  it('refuses automatic tax on prices without a tax behavior, until stripe:sync gives them one', async () => {
    const handler = world.handler();
    const refused = await handler.handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month' }));
    expect(refused.status).toBeGreaterThanOrEqual(500);
    expect(handler.logs.join('\n')).toContain('Automatic tax requires every price to have a `tax_behavior`');

    const changes = await syncStripe(world.stripe, siteSchema.parse({ ...fixtureSite, tax: 'automatic' }));
    expect(changes.filter((c) => c.kind === 'updated' && c.what.startsWith('tier')).map((c) => c.detail)).toContain('5.00 USD per month (truefans:tier:supporter:month), tax inclusive');
    const price = (await world.stripe.prices.list({ lookup_keys: ['truefans:tier:supporter:month'] })).data[0]!;
    expect(price.tax_behavior).toBe('inclusive');
    // Set once: Stripe does not let it change.
    await expect(world.stripe.prices.update(price.id, { tax_behavior: 'exclusive' })).rejects.toMatchObject({ statusCode: 400, param: 'tax_behavior' });
    const again = await syncStripe(world.stripe, siteSchema.parse({ ...fixtureSite, tax: 'automatic' }));
    expect(again.filter((c) => c.what.startsWith('tier') && c.kind !== 'unchanged')).toEqual([]);

    const started = await handler.handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month' }));
    expect(started.status).toBe(303);
    expect((await sessionOf(started.headers.get('location')!)).automatic_tax).toMatchObject({ enabled: true });
  });

  it('a signed-in fan (a known customer) gets customer_update so Stripe can save the address', async () => {
    const handler = world.handler();
    const start = await handler.handle(form('/_truefans/checkout', { offer: 'field-recordings' }));
    const paid = await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', 'taxed@example.com');
    const back = new URL(paid.headers.get('location')!);
    const complete = await handler.handle(request(back.pathname + back.search, { cookie: cookieHeader(cookiesFrom(start)) }));
    const cookie = `__Host-truefans=${cookiesFrom(complete).get('__Host-truefans')}`;
    const gift = await handler.handle(form('/_truefans/checkout', { amount: '5' }, { cookie }));
    expect(gift.status).toBe(303);
    const session = await sessionOf(gift.headers.get('location')!);
    expect(session.automatic_tax.enabled).toBe(true);
    expect(session.customer).toBeTruthy();

    // Without customer_update, Stripe refuses a known customer who has no address.
    await expect(
      world.stripe.checkout.sessions.create({ mode: 'payment', customer: session.customer as string, automatic_tax: { enabled: true }, line_items: [{ price_data: { currency: 'usd', unit_amount: 500, tax_behavior: 'inclusive', product_data: { name: 'Gift' } }, quantity: 1 }], success_url: 'https://mira.example/ok' }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'customer_tax_location_invalid' });
    await expect(
      world.stripe.checkout.sessions.create({ mode: 'payment', customer_update: { address: 'auto' }, line_items: [{ price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Gift' } }, quantity: 1 }], success_url: 'https://mira.example/ok' }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'customer_update' });
  });
});
