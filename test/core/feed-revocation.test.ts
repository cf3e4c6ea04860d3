// Private feed URLs can be revoked without a store: "Reset my feed address" raises a generation number on
// the fan's Stripe customer (metadata truefans_feed_gen), and a token of an older generation stops working
// at its next re-check. With a store, feeds obey the webhook's "changed" marker as cookies do, so a
// cancellation ends feed access as fast as page access.

import { beforeAll, describe, expect, it } from 'vitest';
import { cookiesFrom, form, request } from './helpers/handler.ts';
import { payOnHostedPage, useWorld, type World } from './helpers/stand-in.ts';
import { SECRET_TEXT } from './helpers/site.ts';

let world: World;
let customer: string;
let subscription: string;
let member: string;

useWorld((built) => ({ world } = built));
beforeAll(async () => {
  const { handle } = world.handler();
  const start = await handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month' }));
  const paid = await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', 'feeder@example.com');
  const back = new URL(paid.headers.get('location')!);
  const complete = await handle(request(back.pathname + back.search, { cookie: start.headers.getSetCookie()[0]!.split(';')[0]! }));
  member = `__Host-truefans=${cookiesFrom(complete).get('__Host-truefans')}`;
  const session = await world.stripe.checkout.sessions.retrieve(back.searchParams.get('session_id')!);
  customer = session.customer as string;
  subscription = session.subscription as string;
  await world.standIn.webhooks.flush();
});
const feedUrlOn = async (handle: (r: Request) => Promise<Response>) =>
  /value="(https:\/\/mira\.example\/_truefans\/feed\/[^"]+)"/.exec(await (await handle(request('/_truefans/account', { cookie: member }))).text())![1]!;

describe('resetting the feed address (no store)', () => {
  it('the old address stops working, here at once and elsewhere at its next re-check; the new one works', async () => {
    const here = world.handler();
    const elsewhere = world.handler();
    const old = await feedUrlOn(here.handle);
    expect(await (await here.handle(request(old))).text()).toContain(SECRET_TEXT.members);
    expect(await (await elsewhere.handle(request(old))).text()).toContain(SECRET_TEXT.members);

    const reset = await here.handle(form('/_truefans/feed-reset', {}, { cookie: member }));
    expect(reset.status).toBe(303);
    expect(reset.headers.get('location')).toBe('/_truefans/account');
    expect((await world.stripe.customers.retrieve(customer) as { metadata: Record<string, string> }).metadata.truefans_feed_gen).toBe('1');

    const now = await feedUrlOn(here.handle);
    expect(now).not.toBe(old);
    expect((await here.handle(request(old))).status).toBe(404);
    expect(await (await here.handle(request(now))).text()).toContain(SECRET_TEXT.members);
    // Another instance still trusts its last check until the re-check interval passes, then refuses.
    await world.standIn.clock.advance(3601);
    expect((await elsewhere.handle(request(old))).status).toBe(404);
    expect((await elsewhere.handle(request(now))).status).toBe(200);
  });

  it('a reset needs a session and a same-site form', async () => {
    const { handle } = world.handler();
    const anonymous = await handle(form('/_truefans/feed-reset', {}));
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/_truefans\/signin/);
    const forged = await handle(form('/_truefans/feed-reset', {}, { cookie: member, origin: 'https://evil.example' }));
    expect(forged.status).toBe(403);
  });
});

describe('with a store, a cancellation ends feed access as fast as page access', () => {
  it('the webhook\'s changed marker makes the next feed request re-check', async () => {
    const made = world.handler({ store: true });
    const url = await feedUrlOn(made.handle);
    expect(await (await made.handle(request(url))).text()).toContain(SECRET_TEXT.members);
    await world.stripe.subscriptions.cancel(subscription);
    await world.standIn.webhooks.flush();
    const after = await (await made.handle(request(url))).text();
    expect(after).not.toContain(SECRET_TEXT.members);
  });
});
