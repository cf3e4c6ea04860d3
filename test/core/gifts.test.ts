// Gift memberships through the handler and the real `stripe` package against the stand-in: a year of
// Patron bought for a friend, the link on the completion page and in the buyer's email, the friend's
// mailbox proved, one redemption (also under a race of two recipients), no card and no charge ever, an
// already-a-member who is told and keeps the gift unredeemed, a refund that ends the gift, the reminder
// three days before the end (Stripe's trial_will_end), scheduled delivery, and expiry after 365 days.

import { describe, expect, it } from 'vitest';
import { cookieHeader, cookiesFrom, form, request } from './helpers/handler.ts';
import { CREATOR, payOnHostedPage, useWorld, type World } from './helpers/stand-in.ts';
import { SECRET } from './helpers/site.ts';
import { createKeyring } from '../../src/core/crypto/keys.ts';
import { signGiftClaim } from '../../src/core/tokens/gift.ts';
import { createStripeBilling } from '../../src/billing/stripe/index.ts';
import { parseEnv } from '../../src/core/env.ts';

let world: World;
useWorld((built) => ({ world } = built), {}, { gifts: [1, 3, 12] });

const DAY = 86400;

/** Buys a gift as a browser would; returns the completion page and the redemption link. */
async function buyGift(fields: Record<string, string>, buyer = 'giver@example.com') {
  const { handle } = world.handler();
  const start = await handle(form('/_truefans/gift', fields));
  expect(start.status).toBe(303);
  const paid = await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', buyer);
  const back = new URL(paid.headers.get('location')!);
  const done = await handle(request(back.pathname + back.search, { cookie: cookieHeader(cookiesFrom(start)) }));
  const body = await done.text();
  await world.standIn.webhooks.flush();
  const link = /value="(https:\/\/mira\.example\/_truefans\/gift\/redeem\?token=[^"]+)"/.exec(body)?.[1];
  return { done, body, link: link!, session: back.searchParams.get('session_id')! };
}

const lastMail = (kind: string, to: string) => [...world.outbox].reverse().find((m) => m.kind === kind && m.to === to);

/** The recipient asks for the claim link and opens it; returns the claim token. */
async function claimLink(link: string, email: string): Promise<string> {
  const { handle } = world.handler();
  const url = new URL(link);
  const asked = await handle(form('/_truefans/gift/redeem', { token: url.searchParams.get('token')!, email }));
  expect(asked.status).toBe(200);
  await world.standIn.webhooks.flush();
  const mail = lastMail('gift-claim', email.toLowerCase());
  const claim = /https:\/\/mira\.example\/_truefans\/gift\/claim\?token=(\S+)/.exec(mail!.text)!;
  return decodeURIComponent(claim[1]!);
}

async function giftSubscriptions(session: string) {
  const all = await world.stripe.subscriptions.list({ status: 'all', limit: 100 });
  return all.data.filter((s) => s.metadata?.truefans_gift === session);
}

describe('gift memberships', () => {
  it('sells 1 month, 3 months and 1 year of each tier on a page that needs no script', async () => {
    const { handle } = world.handler();
    const page = await handle(request('/_truefans/gift'));
    const body = await page.text();
    expect(page.status).toBe(200);
    expect(body).toContain('<form method="post" action="/_truefans/gift"');
    expect(body).not.toContain('<script');
    expect(body).toContain('Patron, 1 year: $150');
    expect(body).toContain('Supporter, 3 months: $15');
    // A choice the page does not offer is refused before Stripe is asked.
    const bad = await handle(form('/_truefans/gift', { choice: 'patron:7' }));
    expect(bad.status).toBe(400);
  });

  it('a year of Patron for a friend: the link, once, no card, never charged', async () => {
    const { done, body, link, session } = await buyGift({ choice: 'patron:12', to: 'Sam', from: 'Ada', message: 'For the <b>winter</b>\r\nBcc: x@evil.example' });
    expect(done.status).toBe(200);
    expect(body).toContain('Thank you: your gift is ready');
    // The buyer's text is escaped wherever it is shown.
    expect(body).toContain('For the &lt;b&gt;winter&lt;/b&gt;');
    expect(body).not.toContain('<b>winter</b>');
    const checkout = await world.stripe.checkout.sessions.retrieve(session);
    expect(checkout).toMatchObject({ mode: 'payment', amount_total: 15000, metadata: { truefans_kind: 'membership-gift', truefans_gift_tier: 'patron', truefans_gift_months: '12', truefans_gift_to: 'Sam' } });
    // No CR in the kept message; the email's headers never carry it.
    expect(checkout.metadata!.truefans_gift_message).toBe('For the <b>winter</b>\nBcc: x@evil.example');
    const bought = lastMail('gift-bought', 'giver@example.com');
    expect(bought?.text).toContain(link);
    const note = lastMail('new-fan', CREATOR);
    expect(note?.subject).toBe('A gift membership from Ada: 1 year of Patron');
    expect(note?.text).toContain('Gift memberships are counted apart');

    const { handle } = world.handler();
    const open = await (await handle(request(new URL(link).pathname + new URL(link).search))).text();
    expect(open).toContain('Not redeemed yet');

    const token = await claimLink(link, 'Sam@Example.com');
    const confirm = await handle(request(`/_truefans/gift/claim?token=${encodeURIComponent(token)}`));
    const confirmBody = await confirm.text();
    expect(confirmBody).toContain('Redeeming makes sam@example.com a Patron member until November 22, 2027');
    // The GET changes nothing.
    expect(await giftSubscriptions(session)).toEqual([]);

    const redeemed = await handle(form('/_truefans/gift/claim', { token }));
    expect(redeemed.status).toBe(200);
    expect(await redeemed.text()).toContain('you are a Patron member until November 22, 2027');
    const jar = cookiesFrom(redeemed);
    const post = await handle(request('/posts/patrons-only/', { cookie: cookieHeader(jar) }));
    expect(await post.text()).toContain('PATRON-ONLY-DEMO-9Z');

    const [sub, ...more] = await giftSubscriptions(session);
    expect(more).toEqual([]);
    const end = Math.floor(Date.UTC(2027, 10, 22, 12) / 1000);
    expect(sub).toMatchObject({ status: 'trialing', trial_end: end, cancel_at: end, default_payment_method: null, trial_settings: { end_behavior: { missing_payment_method: 'cancel' } } });
    const customer = await world.stripe.customers.retrieve(sub!.customer as string);
    expect(customer).toMatchObject({ email: 'sam@example.com', invoice_settings: { default_payment_method: null } });
    expect((await world.stripe.checkout.sessions.retrieve(session)).metadata!.truefans_gift_redeemed).toMatch(new RegExp(`^${sub!.id} ${sub!.customer} \\d+$`));
    // The count of paying fans (the creator's notes, the fan meter) leaves the gift out.
    const fans = await createStripeBilling(parseEnv({ TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_truefans_local', SITE_URL: 'https://mira.example', ...world.env }), fetch).countFans();
    const paying = (await world.stripe.subscriptions.list({ status: 'trialing', limit: 100 })).data.filter((s) => !s.metadata?.truefans_gift).map((s) => s.customer);
    const active = (await world.stripe.subscriptions.list({ status: 'active', limit: 100 })).data.map((s) => s.customer);
    expect(fans.fans).toBe(new Set([...paying, ...active]).size);

    // The buyer's link now says it was redeemed.
    const status = await (await handle(request(new URL(link).pathname + new URL(link).search))).text();
    expect(status).toContain('This gift was redeemed on November 22, 2026.');
    expect(status).not.toContain('sam@example.com');

    // A second redemption, by anyone else, is refused; nothing new is made.
    const other = await claimLink(link, 'eve@example.com').catch(() => undefined);
    expect(other).toBeUndefined();
    // Even with a valid claim link of her own (had she asked before it was redeemed):
    const eve = await signGiftClaim(await createKeyring(SECRET), 'https://mira.example', session, 'eve@example.com', Math.floor(world.standIn.clock.now() / 1000));
    const again = await handle(form('/_truefans/gift/claim', { token: eve }));
    expect(again.status).toBe(409);
    const againBody = await again.text();
    expect(againBody, againBody.slice(againBody.indexOf('<main'), againBody.indexOf('<main') + 600)).toContain('already been redeemed');
    expect(await giftSubscriptions(session)).toHaveLength(1);

    // Three days before the end, Stripe's trial_will_end: the reminder; at the end, it simply ends, uncharged.
    await world.standIn.clock.advance(end - Math.floor(world.standIn.clock.now() / 1000) - 3 * DAY + 60);
    await world.standIn.webhooks.flush();
    const reminder = lastMail('gift-ending', 'sam@example.com');
    expect(reminder?.subject).toBe('Your gift of Patron ends on November 22, 2027');
    expect(reminder?.text).toContain('Nothing will be charged');
    await world.standIn.clock.advance(4 * DAY);
    await world.standIn.webhooks.flush();
    const [ended] = await giftSubscriptions(session);
    expect(ended!.status).toBe('canceled');
    // Only the trial's $0 invoice: nothing was ever charged.
    const invoices = await world.stripe.invoices.list({ customer: ended!.customer as string, limit: 100 });
    expect(invoices.data.map((i) => i.amount_paid)).toEqual([0]);
  });
});

describe('gifts under a race, a refund and an existing membership', () => {
  it('two recipients redeeming one gift at once: exactly one wins', async () => {
    const { link, session } = await buyGift({ choice: 'supporter:1' });
    const [a, b] = [await claimLink(link, 'one@example.com'), await claimLink(link, 'two@example.com')];
    // Two isolates (no shared memory, no store): only Stripe's idempotency key and the session's marks decide.
    const [ra, rb] = await Promise.all([world.handler().handle(form('/_truefans/gift/claim', { token: a })), world.handler().handle(form('/_truefans/gift/claim', { token: b }))]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    expect(await giftSubscriptions(session)).toHaveLength(1);
  });

  it('a member who already holds the tier is told, and the gift stays unredeemed', async () => {
    const { handle } = world.handler();
    const start = await handle(form('/_truefans/checkout', { tier: 'patron', interval: 'month' }));
    await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', 'member@example.com');
    await world.standIn.webhooks.flush();
    const { link, session } = await buyGift({ choice: 'supporter:12' });
    const token = await claimLink(link, 'member@example.com');
    const page = await (await handle(request(`/_truefans/gift/claim?token=${encodeURIComponent(token)}`))).text();
    expect(page).toContain('You are already a Patron member as member@example.com');
    expect(page).not.toContain('Redeem the gift</button>');
    const forced = await handle(form('/_truefans/gift/claim', { token }));
    expect(forced.status).toBe(409);
    expect(await giftSubscriptions(session)).toEqual([]);
    expect((await world.stripe.checkout.sessions.retrieve(session)).metadata!.truefans_gift_redeemed).toBeUndefined();
  });

  it('a refund ends a redeemed gift, and a refunded gift cannot be redeemed', async () => {
    const used = await buyGift({ choice: 'supporter:12' });
    const token = await claimLink(used.link, 'kept@example.com');
    expect((await world.handler().handle(form('/_truefans/gift/claim', { token }))).status).toBe(200);
    const session = await world.stripe.checkout.sessions.retrieve(used.session);
    await world.stripe.refunds.create({ payment_intent: session.payment_intent as string });
    await world.standIn.webhooks.flush();
    const [sub] = await giftSubscriptions(used.session);
    expect(sub!.status).toBe('canceled');

    const unused = await buyGift({ choice: 'supporter:1' });
    const pi = (await world.stripe.checkout.sessions.retrieve(unused.session)).payment_intent as string;
    await world.stripe.refunds.create({ payment_intent: pi });
    await world.standIn.webhooks.flush();
    const { handle } = world.handler();
    const url = new URL(unused.link);
    expect(await (await handle(request(url.pathname + url.search))).text()).toContain('This gift was refunded');
    const refused = await handle(form('/_truefans/gift/redeem', { token: url.searchParams.get('token')!, email: 'late@example.com' }));
    expect(refused.status).toBe(410);
    expect(await giftSubscriptions(unused.session)).toEqual([]);
  });

  it('emails the recipient on the chosen day (the daily delivery route), once', async () => {
    const tomorrow = new Date(world.standIn.clock.now() + DAY * 1000).toISOString().slice(0, 10);
    const { session } = await buyGift({ choice: 'supporter:1', deliver_to: 'later@example.com', deliver_on: tomorrow });
    const cron = { CRON_SECRET: 'cron-secret-for-the-gift-delivery-0123' };
    const deliver = (authorization = `Bearer ${cron.CRON_SECRET}`) => world.handler({ env: cron }).handle(request('/_truefans/gift/deliver', { method: 'POST', origin: null, headers: { authorization } }));
    // Only the scheduler may run it: each run lists a year of Checkout Sessions.
    expect((await deliver('')).status).toBe(401);
    expect((await deliver('Bearer not-the-cron-secret-at-all')).status).toBe(401);
    expect(await (await deliver()).text()).toBe('Delivered 0 gifts.');
    expect(lastMail('gift', 'later@example.com')).toBeUndefined();
    await world.standIn.clock.advance(DAY);
    expect(await (await deliver()).text()).toBe('Delivered 1 gift.');
    expect(await (await deliver()).text()).toBe('Delivered 0 gifts.');
    expect(lastMail('gift', 'later@example.com')?.subject).toBe('A gift for you: Supporter on Mira Lune');
    expect((await world.stripe.checkout.sessions.retrieve(session)).metadata!.truefans_gift_delivered).toMatch(/^\d+$/);
  });

  it('expires a year after purchase', async () => {
    const { link } = await buyGift({ choice: 'supporter:1' });
    await world.standIn.clock.advance(366 * DAY);
    const url = new URL(link);
    const gone = await world.handler().handle(request(url.pathname + url.search));
    expect(gone.status).toBe(404);
  });
});
