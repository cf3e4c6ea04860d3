// The live fan meter: off by default (404, and Stripe is never asked), on with show_fans: an SVG image of
// "N of 100 true fans" that the CDN may keep for five minutes and that asks Stripe at most once per
// isolate in that time, however many views or cache-busting query strings arrive.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAN_METER_SECONDS } from '../../src/core/routes/fan-meter.ts';
import { form, makeHandler, request } from './helpers/handler.ts';
import { buildFixture, type Fixture } from './helpers/site.ts';
import { payOnHostedPage, startWorld, type World } from './helpers/stand-in.ts';

let on: Fixture;
let off: Fixture;
let world: World;
const calls: string[] = [];
beforeAll(async () => {
  [on, off] = await Promise.all([buildFixture({ showFans: true }), buildFixture()]);
  world = await startWorld(on, { onRequest: (method, path) => calls.push(`${method} ${path}`) });
});
afterAll(async () => {
  await world?.close();
  on?.cleanup();
  off?.cleanup();
});

const subscriptionLists = () => calls.filter((c) => c === 'GET /v1/subscriptions').length;

async function join(email: string) {
  const handler = world.handler();
  const start = await handler.handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month', return_to: '/' }));
  expect((await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', email)).status).toBe(303);
  await world.standIn.webhooks.flush();
}

describe('the fan meter', () => {
  it('is a 404 when show_fans is off, and never asks Stripe', async () => {
    const handler = makeHandler(off, world.env);
    const before = calls.length;
    const response = await handler.handle(request('/_truefans/fans.svg'));
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).not.toMatch(/true fans/);
    expect(calls.length).toBe(before);
  });

  it('draws the live count when on, cached for the CDN and counted at most once per isolate in five minutes', async () => {
    await join('one@fans.example');
    await join('two@fans.example');
    const handler = world.handler();
    const before = subscriptionLists();
    const first = await handler.handle(request('/_truefans/fans.svg'));
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe(`public, max-age=${FAN_METER_SECONDS}, s-maxage=${FAN_METER_SECONDS}`);
    expect(first.headers.get('set-cookie')).toBeNull();
    const svg = await first.text();
    expect(svg).toContain('<title>2 of 100 true fans</title>');
    expect(svg).toMatch(/<rect x="0" y="28" width="6" height="12"/); // 2 of 100 of 320 pixels
    expect(svg).not.toMatch(/<script|on\w+=/i);
    const counted = subscriptionLists() - before;
    expect(counted).toBeGreaterThan(0);

    // Views, concurrent or busting the cache with a query string, within five minutes: no Stripe call.
    await join('three@fans.example'); // (its webhook counts fans for the creator's note)
    const mid = subscriptionLists();
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => handler.handle(request(`/_truefans/fans.svg?v=${i}`))));
    for (const response of burst) expect(await response.text()).toContain('2 of 100 true fans');
    expect(subscriptionLists()).toBe(mid);

    // Five minutes on, the next view counts again, once, for all the concurrent ones.
    await world.standIn.clock.advance(FAN_METER_SECONDS + 1);
    const after = await Promise.all(Array.from({ length: 5 }, () => handler.handle(request('/_truefans/fans.svg'))));
    for (const response of after) expect(await response.text()).toContain('<title>3 of 100 true fans</title>');
    expect(subscriptionLists() - mid).toBe(counted);
  });

  it('keeps showing the last count while Stripe is down, and is a 503 (never a count) before it has one', async () => {
    const handler = world.handler();
    await handler.handle(request('/_truefans/fans.svg'));
    await world.standIn.clock.advance(FAN_METER_SECONDS + 1);
    world.standIn.faults.inject({ status: 500, method: 'GET', path: '/v1/subscriptions', times: 20 });
    const stale = await handler.handle(request('/_truefans/fans.svg'));
    expect(stale.status).toBe(200);
    expect(await stale.text()).toContain('3 of 100 true fans');
    const fresh = world.handler(); // a new isolate, no count yet
    const down = await fresh.handle(request('/_truefans/fans.svg'));
    expect(down.status).toBe(503);
    expect(await down.text()).not.toContain('true fans</title>');
    world.standIn.faults.clear();
  });
});
