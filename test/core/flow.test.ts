// The whole journey through the handler and the real `stripe` package against the local stand-in: a
// visitor starts a checkout from a gated page, pays on the hosted page, comes back, reads the page; the
// webhook sends the welcome and the creator's notice; the account page, feed and downloads work.

import { describe, expect, it } from 'vitest';
import { cookieHeader, cookiesFrom, form, request } from './helpers/handler.ts';
import { CREATOR, payOnHostedPage, useWorld, type World } from './helpers/stand-in.ts';
import { expectNoSecrets, SECRET_TEXT, TEASER_TEXT } from './helpers/site.ts';

let world: World;
useWorld((built) => ({ world } = built));

/** Checkout -> hosted page -> back; returns the browser's cookies and the welcome response. */
export async function subscribe(w: World, fields: Record<string, string>, card = '4242 4242 4242 4242', email = 'ada@example.com') {
  const { handle } = w.handler();
  const start = await handle(form('/_truefans/checkout', fields));
  expect(start.status).toBe(303);
  const jar = cookiesFrom(start);
  const paid = await payOnHostedPage(start.headers.get('location')!, card, email);
  return { handle, jar, start, paid };
}

describe('a fan goes from a gated page to reading it', () => {
  it('checkout -> pay -> complete -> read', async () => {
    const { handle } = world.handler();
    const teaser = await handle(request('/posts/winter-tour/'));
    const teaserBody = await teaser.text();
    expectNoSecrets(teaserBody);
    expect(teaserBody).toContain(TEASER_TEXT);

    const start = await handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'year', return_to: '/posts/winter-tour/' }));
    expect(start.status).toBe(303);
    const location = start.headers.get('location')!;
    expect(location.startsWith(`${world.standIn.url}/`)).toBe(true);
    const nonce = start.headers.getSetCookie()[0]!;
    expect(nonce).toMatch(/^__Host-truefans-checkout=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=86400; Secure$/);

    const session = await world.stripe.checkout.sessions.retrieve(location.split('/').pop()!);
    expect(session).toMatchObject({
      mode: 'subscription',
      allow_promotion_codes: true,
      cancel_url: 'https://mira.example/posts/winter-tour/',
      success_url: 'https://mira.example/_truefans/checkout/complete?session_id={CHECKOUT_SESSION_ID}',
      metadata: { truefans_return: '/posts/winter-tour/', truefans_kind: 'tier', truefans_tier: 'supporter' },
    });
    // Only a hash of the nonce goes to Stripe.
    expect(session.metadata!.truefans_nonce).not.toContain(nonce.split(/[=;]/)[1]!);

    const paid = await payOnHostedPage(location);
    expect(paid.status).toBe(303);
    const back = new URL(paid.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('https://mira.example/_truefans/checkout/complete');

    const jar = cookiesFrom(start);
    const complete = await handle(request(back.pathname + back.search, { cookie: cookieHeader(jar) }));
    // Joined from the post: back on the post at once (the welcome page is for the other cases).
    expect(complete.status).toBe(303);
    expect(complete.headers.get('location')).toBe('/posts/winter-tour/');
    expect(complete.headers.get('cache-control')).toBe('private, no-store');
    const set = cookiesFrom(complete);
    const landed = await handle(request('/posts/winter-tour/', { cookie: cookieHeader(set) }));
    const welcome = await landed.text();
    expect(welcome).toContain(SECRET_TEXT.members);
    expect(welcome).toContain('<strong>Welcome, Supporter.</strong> Thank you for joining Mira Lune');
    expect(set.get('__Host-truefans-checkout')).toBe('');
    expect(set.get('__Host-truefans')).toMatch(/^ey/);
    const cookieLine = complete.headers.getSetCookie().find((c) => c.startsWith('__Host-truefans='))!;
    expect(cookieLine).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Max-Age=2592000; Secure$/);

    const member = await handle(request('/posts/winter-tour/', { cookie: `__Host-truefans=${set.get('__Host-truefans')}` }));
    expect(member.status).toBe(200);
    expect(await member.text()).toContain(SECRET_TEXT.members);
    const higher = await handle(request('/posts/patrons-only/', { cookie: `__Host-truefans=${set.get('__Host-truefans')}` }));
    expectNoSecrets(await higher.text());

    await world.standIn.webhooks.flush();
    const welcomeMail = world.outbox.find((m) => m.kind === 'welcome' && m.to === 'fan@example.com');
    expect(welcomeMail?.subject).toBe('Welcome to Mira Lune');
    expect(welcomeMail?.text).toContain('Thank you, truly.');
    const notice = world.outbox.find((m) => m.kind === 'new-fan');
    expect(notice?.to).toBe(CREATOR);
    expect(notice?.text).toContain('You now have 1 of your 100 true fans (99 to go).');
    expect(world.standIn.webhooks.sent.filter((s) => s.status !== 200)).toEqual([]);
  });

  it('a one-time offer opens its page and its download', async () => {
    const { handle, jar, paid } = await subscribe(world, { offer: 'field-recordings', return_to: '/posts/album-notes/' }, '4242 4242 4242 4242', 'buyer@example.com');
    const back = new URL(paid.headers.get('location')!);
    const complete = await handle(request(back.pathname + back.search, { cookie: cookieHeader(jar) }));
    expect(complete.status).toBe(200);
    const cookie = `__Host-truefans=${cookiesFrom(complete).get('__Host-truefans')}`;
    expect(await (await handle(request('/posts/album-notes/', { cookie }))).text()).toContain(SECRET_TEXT.offer);
    expectNoSecrets(await (await handle(request('/posts/winter-tour/', { cookie }))).text());
    const file = await handle(request('/_truefans/asset/a1/recordings.zip', { cookie }));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/zip');
    expect(file.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''recordings.zip");
    expect(file.headers.get('cache-control')).toBe('private, no-store');
    expect(await file.text()).toContain(SECRET_TEXT.asset);
    const denied = await handle(request('/_truefans/asset/a1/recordings.zip'));
    expect(denied.status).toBe(403);
    expectNoSecrets(await denied.text());
    expect((await handle(request('/_truefans/asset/a1/other.zip', { cookie }))).status).toBe(404);
  });

  it('pay what you want: a gift, thanked, that opens nothing', async () => {
    const { handle, jar, start, paid } = await subscribe(world, { amount: '7.50', return_to: '/' });
    const session = await world.stripe.checkout.sessions.retrieve(start.headers.get('location')!.split('/').pop()!, { expand: ['line_items'] });
    expect(session.mode).toBe('payment');
    expect(session.amount_total).toBe(750);
    const back = new URL(paid.headers.get('location')!);
    const complete = await handle(request(back.pathname + back.search, { cookie: cookieHeader(jar) }));
    expect(await complete.text()).toContain('<h1>Thank you for your gift</h1>');
    const cookie = `__Host-truefans=${cookiesFrom(complete).get('__Host-truefans')}`;
    expectNoSecrets(await (await handle(request('/posts/winter-tour/', { cookie }))).text());
  });

  it('refuses amounts under the minimum and choices the site does not offer', async () => {
    const { handle } = world.handler();
    const choices: Record<string, string>[] = [{ amount: '2.99' }, { amount: 'lots' }, { tier: 'gold', interval: 'month' }, { tier: 'supporter', interval: 'week' }, { offer: 'nope' }, {}];
    for (const fields of choices) {
      const response = await handle(form('/_truefans/checkout', fields));
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('That choice is not available');
    }
  });

  it('the account page, the billing portal and the private feed', async () => {
    const { handle, jar, paid } = await subscribe(world, { tier: 'patron', interval: 'month', return_to: '/posts/patrons-only/' }, '4242 4242 4242 4242', 'pat@example.com');
    const back = new URL(paid.headers.get('location')!);
    const complete = await handle(request(back.pathname + back.search, { cookie: cookieHeader(jar) }));
    expect(complete.status).toBe(303);
    const cookie = `__Host-truefans=${cookiesFrom(complete).get('__Host-truefans')}`;
    // Patron starts with a 7-day trial: the banner on the post says when it ends and what follows.
    const post = (await (await handle(request('/posts/patrons-only/', { cookie: cookieHeader(cookiesFrom(complete)) }))).text()).replace(/<[^>]+>/g, '');
    expect(post).toContain('Your 7-day trial ends on Nov 29; then $15 a month. Cancel any time before from your account.');

    const account = await handle(request('/_truefans/account', { cookie }));
    const page = await account.text();
    expect(page).toContain('<h3>Membership: Patron</h3>');
    expect(page).toContain('Signed in as <strong>pat@example.com</strong>.');
    expect(page).toContain('<p>$15 a month · Trial</p>');
    expect(page).toContain('Your trial ends on November 29, 2026; then $15 a month.');
    expect(account.headers.get('referrer-policy')).toBe('same-origin');
    const feedUrl = /value="(https:\/\/mira\.example\/_truefans\/feed\/[^"]+)"/.exec(page)![1]!;
    const again = await (await handle(request('/_truefans/account', { cookie }))).text();
    expect(again).toContain(feedUrl); // the same address on every visit

    const portal = await handle(form('/_truefans/portal', {}, { cookie }));
    expect(portal.status).toBe(303);
    expect(portal.headers.get('location')!.startsWith(world.standIn.url)).toBe(true);
    // The edge opens it with the configuration stripe:sync made (Stripe refuses a portal without one),
    // which lets the fan switch to the other tiers' prices.
    const portalPage = await (await fetch(portal.headers.get('location')!)).text();
    expect(portalPage).toContain('Change plan');
    expect(portalPage).toContain('name="reason"');

    const feed = await handle(request(feedUrl));
    const rss = await feed.text();
    expect(feed.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    expect(feed.headers.get('cache-control')).toBe('private, no-store');
    expect(rss).toContain(SECRET_TEXT.members);
    expect(rss).toContain(SECRET_TEXT.patron);
    expect(rss).not.toMatch(/tf[12]\./);
    // Sealed images in the feed carry the token, since a feed reader has no cookie.
    const image = /src="(https:\/\/mira\.example\/_truefans\/asset\/img1\/photo\.png\?feed=[^"]+)"/.exec(rss)![1]!;
    const imageResponse = await handle(request(image));
    expect(imageResponse.status).toBe(200);
    expect(imageResponse.headers.get('content-type')).toBe('image/png');

    const forged = await handle(request(`${feedUrl.slice(0, -4)}AAAA`));
    expect(forged.status).toBe(404);
    expectNoSecrets(await forged.text());
  });
});
