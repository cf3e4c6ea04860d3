// The supporter wall: off by default (no field at checkout, 404s); on, Checkout asks for an optional name
// (a Stripe custom field, stored by the stand-in's hosted page like Stripe's), the paid checkout keeps it
// cleaned on the customer, /supporters/ lists names by tier escaped and cacheable, and the account page
// sets and removes the fan's own. Against the stand-in through the real `stripe` package.

import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WALL_SECONDS } from '../../src/core/routes/supporters.ts';
import { cleanWallName } from '../../src/core/wall.ts';
import { cookieHeader, cookiesFrom, form, makeHandler, request, type TestHandler } from './helpers/handler.ts';
import { buildFixture, type Fixture } from './helpers/site.ts';
import { payOnHostedPage, startWorld, type World } from './helpers/stand-in.ts';

let on: Fixture;
let off: Fixture;
let world: World;
const calls: string[] = [];
beforeAll(async () => {
  [on, off] = await Promise.all([buildFixture({ supporterWall: true }), buildFixture()]);
  world = await startWorld(on, { onRequest: (method, path) => calls.push(`${method} ${path}`) });
});
afterAll(async () => {
  await world?.close();
  on?.cleanup();
  off?.cleanup();
});

const HOSTILE = '<img src=x onerror=alert(1)>\u202e Eve';

/** Joins on the hosted page, typing `wall` in the supporter-wall field; returns the signed-in cookie. */
async function join(handler: TestHandler, email: string, tier: string, wall: string | undefined) {
  const start = await handler.handle(form('/_truefans/checkout', { tier, interval: 'month', return_to: '/' }));
  const url = start.headers.get('location')!;
  const paid = await payOnHostedPage(url, '4242 4242 4242 4242', email, wall === undefined ? {} : { custom_wallname: wall });
  expect(paid.status).toBe(303);
  const back = new URL(paid.headers.get('location')!);
  const complete = await handler.handle(request(back.pathname + back.search, { cookie: cookieHeader(cookiesFrom(start)) }));
  await world.standIn.webhooks.flush();
  const session = await world.stripe.checkout.sessions.retrieve(url.split('/').pop()!);
  return { cookie: `__Host-truefans=${cookiesFrom(complete).get('__Host-truefans')}`, session };
}
const customerOf = async (email: string) => (await world.stripe.customers.list({ email })).data[0]!;

describe('a name for the wall, cleaned', () => {
  it('drops control and format characters, collapses spaces, and keeps at most 40 characters without cutting an emoji', () => {
    expect(cleanWallName('  Ada \u200b  Lovelace\u0007 ')).toBe('Ada Lovelace');
    expect(cleanWallName('\u202eevE')).toBe('evE');
    expect(cleanWallName(`${'x'.repeat(39)}😀😀`)).toBe(`${'x'.repeat(39)}😀`);
    expect(cleanWallName(' \t\n')).toBeUndefined();
    expect(cleanWallName(undefined)).toBeUndefined();
  });
});

describe('the supporter wall', () => {
  it('is off by default: no field at checkout, and /supporters/ and the form answer 404', async () => {
    const handler = makeHandler(off, world.env);
    const start = await handler.handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month', return_to: '/' }));
    const session = await world.stripe.checkout.sessions.retrieve(start.headers.get('location')!.split('/').pop()!);
    expect(session.custom_fields).toEqual([]);
    expect((await handler.handle(request('/supporters/'))).status).toBe(404);
    expect((await handler.handle(form('/_truefans/wall', { wall_name: 'x' }))).status).toBe(404);
  });

  it('asks at checkout, keeps the name cleaned on the customer, and lists names by tier, escaped and cached', async () => {
    const handler = world.handler();
    const { session } = await join(handler, 'ada@fans.example', 'patron', '  Ada \u200b  Lovelace\u0007 ');
    // Stripe's custom field as the checkout route asks for it, and the value the hosted page stored.
    expect(session.custom_fields).toEqual([
      { key: 'wallname', label: { custom: 'Your name on the supporter wall', type: 'custom' }, optional: true, type: 'text', text: { default_value: null, maximum_length: 40, minimum_length: null, value: null } },
    ].map((f) => ({ ...f, text: { ...f.text, value: expect.any(String) } })));
    expect((await customerOf('ada@fans.example')).metadata.truefans_wall_name).toBe('Ada Lovelace');
    await join(handler, 'eve@fans.example', 'supporter', HOSTILE.slice(0, 40));
    expect((await customerOf('eve@fans.example')).metadata.truefans_wall_name).toBe('<img src=x onerror=alert(1)> Eve');
    await join(handler, 'quiet@fans.example', 'supporter', undefined); // the field is optional

    const before = calls.length;
    const wall = await handler.handle(request('/supporters/'));
    expect(wall.status).toBe(200);
    expect(wall.headers.get('cache-control')).toBe(`public, max-age=${WALL_SECONDS}, s-maxage=${WALL_SECONDS}`);
    const html = await wall.text();
    const patron = html.indexOf('<h2 id="wall-patron">Patron</h2>');
    const supporter = html.indexOf('<h2 id="wall-supporter">Supporter</h2>');
    expect(patron).toBeGreaterThan(0);
    expect(supporter).toBeGreaterThan(patron); // the highest tier first
    expect(html).toContain('<li>Ada Lovelace</li>');
    expect(html).toContain('<li>&lt;img src=x onerror=alert(1)&gt; Eve</li>');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('quiet@fans.example');
    expect(calls.length).toBeGreaterThan(before);
    const counted = calls.length;
    for (let i = 0; i < 5; i++) await handler.handle(request(`/supporters/?v=${i}`));
    expect(calls.length).toBe(counted); // within ten minutes, no Stripe call
  });

  it('lets a signed-in fan change and remove their name on the account page; a redelivered checkout does not put it back', async () => {
    const handler = world.handler();
    const { cookie, session } = await join(handler, 'bo@fans.example', 'supporter', 'Bo');
    const account = await (await handler.handle(request('/_truefans/account', { cookie }))).text();
    expect(account).toContain('Your name on <a href="/supporters/">the supporter wall</a>: <strong>Bo</strong>.');
    expect(account).toMatch(/<input type="text" id="wall_name" name="wall_name" maxlength="40" value="Bo"/);

    const changed = await handler.handle(form('/_truefans/wall', { wall_name: ' Bo & the <Band> ' }, { cookie }));
    expect(changed.status).toBe(303);
    expect(changed.headers.get('location')).toBe('/_truefans/account');
    expect((await customerOf('bo@fans.example')).metadata.truefans_wall_name).toBe('Bo & the <Band>');
    expect(await (await handler.handle(request('/_truefans/account', { cookie }))).text()).toContain('<strong>Bo &amp; the &lt;Band&gt;</strong>');

    await handler.handle(form('/_truefans/wall', { wall_name: 'ignored', remove: '1' }, { cookie }));
    expect((await customerOf('bo@fans.example')).metadata.truefans_wall_name).toBeUndefined();
    const completed = (await world.stripe.events.list({ type: 'checkout.session.completed', limit: 100 })).data.find((e) => (e.data.object as Stripe.Checkout.Session).id === session.id)!;
    const fresh = world.handler();
    const body = JSON.stringify(completed);
    const crypto = Stripe.createSubtleCryptoProvider();
    const signature = await world.stripe.webhooks.generateTestHeaderStringAsync({ payload: body, secret: world.env.STRIPE_WEBHOOK_SECRET!, timestamp: Math.floor(world.standIn.clock.now() / 1000), cryptoProvider: crypto });
    expect((await fresh.handle(request('/_truefans/webhook', { method: 'POST', body, origin: null, headers: { 'content-type': 'application/json', 'stripe-signature': signature } }))).status).toBe(200);
    expect((await customerOf('bo@fans.example')).metadata.truefans_wall_name).toBeUndefined();

    // Without a session the form saves nothing and asks the fan to sign in; from another site it is refused.
    const anonymous = await handler.handle(form('/_truefans/wall', { wall_name: 'Mallory' }));
    expect(anonymous.headers.get('location')).toMatch(/^\/_truefans\/signin\?return_to=/);
    expect((await handler.handle(form('/_truefans/wall', { wall_name: 'Mallory' }, { cookie, origin: 'https://evil.example' }))).status).toBe(403);
    expect((await customerOf('bo@fans.example')).metadata.truefans_wall_name).toBeUndefined();
  });

  it("refuses custom fields Stripe would refuse, and the hosted page enforces the field's length", async () => {
    const base = { mode: 'subscription' as const, success_url: 'https://fan.example/ok', line_items: [{ price: (await world.stripe.prices.list({ limit: 1, type: 'recurring' })).data[0]!.id, quantity: 1 }] };
    const field = (over: Record<string, unknown>) => ({ key: 'wallname', label: { type: 'custom' as const, custom: 'Name' }, type: 'text' as const, optional: true, ...over });
    await expect(world.stripe.checkout.sessions.create({ ...base, custom_fields: [field({ key: 'wall-name' })] })).rejects.toMatchObject({ param: 'custom_fields[0][key]' });
    await expect(world.stripe.checkout.sessions.create({ ...base, custom_fields: [field({}), field({})] })).rejects.toMatchObject({ param: 'custom_fields[1][key]' });
    await expect(world.stripe.checkout.sessions.create({ ...base, custom_fields: [field({ text: { maximum_length: 256 } })] })).rejects.toMatchObject({ param: 'custom_fields[0][text][maximum_length]' });
    await expect(world.stripe.checkout.sessions.create({ ...base, custom_fields: [1, 2, 3, 4].map((n) => field({ key: `k${n}` })) })).rejects.toMatchObject({ param: 'custom_fields' });
    const session = await world.stripe.checkout.sessions.create({ ...base, custom_fields: [field({ optional: false, text: { maximum_length: 5 } })] });
    const page = await (await fetch(session.url!)).text();
    expect(page).toContain('<label for="custom_wallname">Name</label>');
    expect(page).toMatch(/<input type="text" id="custom_wallname" name="custom_wallname" maxlength="5" required/);
    const tooLong = await payOnHostedPage(session.url!, '4242 4242 4242 4242', 'long@fans.example', { custom_wallname: 'abcdef' });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain('Name must be at most 5 characters.');
    const missing = await payOnHostedPage(session.url!, '4242 4242 4242 4242', 'long@fans.example', { custom_wallname: ' ' });
    expect(await missing.text()).toContain('Name is required.');
    expect((await payOnHostedPage(session.url!, '4242 4242 4242 4242', 'long@fans.example', { custom_wallname: 'abc' })).status).toBe(303);
    expect((await world.stripe.checkout.sessions.retrieve(session.id)).custom_fields[0]!.text!.value).toBe('abc');
  });
});
