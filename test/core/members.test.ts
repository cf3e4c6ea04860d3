// The paywall speaks to who is reading, and a member upgrades in one step: the handler with the real
// `stripe` package against the local stand-in (its billing portal's update confirmation included).

import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { cookieHeader, cookiesFrom, form, NOW, request, sessionFor } from './helpers/handler.ts';
import { payOnHostedPage, useWorld, type World } from './helpers/stand-in.ts';
import { expectNoSecrets, SECRET_TEXT } from './helpers/site.ts';

let world: World;
useWorld((built) => ({ world } = built));

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;|’/g, "'").replace(/\s+/g, ' ').replace(/ ([,.;:])/g, '$1');

describe('the paywall for each reader', () => {
  it('a visitor gets the page as built: every join card and "Sign in"', async () => {
    const { handle } = world.handler();
    const body = await (await handle(request('/posts/patrons-only/'))).text();
    expectNoSecrets(body);
    expect(body).toContain('This part is for patron.');
    expect(body).toContain('<a href="/signin/">Sign in</a>');
    expect(body).not.toContain('/_truefans/plan');
  });

  it('a member of a lower tier: no join card, one upgrade priced as the monthly difference, their state in the header', async () => {
    const { handle } = world.handler();
    const cookie = await sessionFor('cus_low', { tiers: ['supporter'], offers: [], interval: 'month' }, NOW);
    const response = await handle(request('/posts/patrons-only/', { cookie }));
    const body = await response.text();
    expectNoSecrets(body);
    expect(response.headers.get('cache-control')).toBe('private, no-cache');
    expect(text(body)).toContain("You're a Supporter. This post is for Patrons: upgrade for $10 more a month.");
    expect(body).toContain('action="/_truefans/plan"');
    expect(body).toContain('name="tier" value="patron"');
    expect(body).not.toContain('action="/_truefans/checkout"');
    expect(body).not.toContain('This part is for patron.');
    // The header: their tier, the account link, never "Sign in" or "Join".
    expect(text(body)).toContain('Your membership Supporter');
    expect(body).not.toContain('Sign in');
    expect(body).not.toContain('>Join<');
  });

  it('a yearly member is offered the yearly difference', async () => {
    const { handle } = world.handler();
    const cookie = await sessionFor('cus_low', { tiers: ['supporter'], offers: [], interval: 'year' }, NOW);
    const body = await (await handle(request('/posts/patrons-only/', { cookie }))).text();
    expect(text(body)).toContain('upgrade for $100 more a year.');
    expect(body).toContain('name="interval" value="year"');
  });

  it('a member of the right tier reads the post with no paywall at all', async () => {
    const { handle } = world.handler();
    const cookie = await sessionFor('cus_top', { tiers: ['patron'], offers: [], interval: 'month' }, NOW);
    const body = await (await handle(request('/posts/patrons-only/', { cookie }))).text();
    expect(body).toContain(SECRET_TEXT.patron);
    expect(body).not.toContain('<truefans-locked');
    expect(text(body)).toContain('Your membership Patron');
  });

  it('a lapsed member is welcomed back with a rejoin button for their old tier', async () => {
    const { handle } = world.handler();
    const cookie = await sessionFor('cus_gone', { tiers: [], offers: [], lapsed: ['supporter'] }, NOW);
    const body = await (await handle(request('/posts/winter-tour/', { cookie }))).text();
    expectNoSecrets(body);
    expect(text(body)).toContain('Welcome back. Your Supporter membership has ended. Rejoin to read this post');
    expect(body).toMatch(/<input type="hidden" name="tier" value="supporter">[\s\S]*Rejoin for \$5 a month[\s\S]*Rejoin for \$50 a year/);
    expect(body).toContain('>Rejoin</a>');
    expect(body).not.toContain('Sign in');
  });

  it('a lapsed member on a post their old tier does not open is offered the tier that does', async () => {
    const { handle } = world.handler();
    const cookie = await sessionFor('cus_gone', { tiers: [], offers: [], lapsed: ['supporter'] }, NOW);
    const body = await (await handle(request('/posts/patrons-only/', { cookie }))).text();
    expectNoSecrets(body);
    expect(text(body)).toContain('Your Supporter membership has ended, and this post is for Patrons.');
    expect(body).toContain('Join Patron for $15 a month');
  });

  it('a buyer who holds no tier sees the visitor paywall, signed in', async () => {
    const { handle } = world.handler();
    const cookie = await sessionFor('cus_buyer', { tiers: [], offers: ['field-recordings'] }, NOW);
    const body = await (await handle(request('/posts/patrons-only/', { cookie }))).text();
    expectNoSecrets(body);
    expect(body).toContain('This part is for patron.');
    expect(body).not.toContain('Sign in');
  });
});

/** Checkout for a tier, pay on the hosted page, complete: the browser's cookies after it. */
async function join(tier: string, interval: string, email: string): Promise<{ cookie: string; customer: string }> {
  const { handle } = world.handler();
  const start = await handle(form('/_truefans/checkout', { tier, interval, return_to: '/membership/' }));
  const jar = cookiesFrom(start);
  const paid = await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', email);
  const back = new URL(paid.headers.get('location')!);
  const complete = await handle(request(back.pathname + back.search, { cookie: cookieHeader(jar) }));
  for (const [k, v] of cookiesFrom(complete)) jar.set(k, v);
  const session = await world.stripe.checkout.sessions.retrieve(back.searchParams.get('session_id')!);
  return { cookie: cookieHeader(jar), customer: session.customer as string };
}

describe('upgrading from the paywall', () => {
  it('goes straight to the portal\'s update confirmation, shows the proration, charges it, and lands back on the post, open', async () => {
    const { cookie, customer } = await join('supporter', 'month', 'up@example.com');
    const { handle } = world.handler();
    const start = await handle(form('/_truefans/plan', { tier: 'patron', interval: 'month', return_to: '/posts/patrons-only/' }, { cookie }));
    expect(start.status).toBe(303);
    const portalUrl = start.headers.get('location')!;
    expect(portalUrl.startsWith(`${world.standIn.url}/p/session/`)).toBe(true);

    const portal = await fetch(portalUrl);
    const page = text(await portal.text());
    expect(page).toContain('Confirm your new plan');
    expect(page).toContain('Patron: $15.00/month');
    expect(page).toContain('Instead of Supporter: $5.00/month.');
    // Subscribed a moment ago: the rest of the period is the whole period.
    expect(page).toContain('Due today: $10.00, prorated for the rest of this period');

    const confirmed = await fetch(`${portalUrl}/confirm`, { method: 'POST', redirect: 'manual' });
    expect(confirmed.status).toBe(303);
    const done = new URL(confirmed.headers.get('location')!);
    expect(done.origin + done.pathname).toBe('https://mira.example/_truefans/plan/done');

    const landed = await handle(request(done.pathname + done.search, { cookie }));
    expect(landed.status).toBe(303);
    expect(landed.headers.get('location')).toBe('/posts/patrons-only/');
    const jar = new Map([...cookie.split('; ').map((c) => c.split('=') as [string, string]), ...cookiesFrom(landed)]);
    const post = await handle(request('/posts/patrons-only/', { cookie: cookieHeader(jar) }));
    const body = await post.text();
    expect(body).toContain(SECRET_TEXT.patron);
    expect(text(body)).toContain("You're now a Patron.");
    // The banner shows once.
    expect(cookiesFrom(post).get('__Host-truefans-flash')).toBe('');

    const invoices = await world.stripe.invoices.list({ customer });
    const proration = invoices.data.find((i) => i.billing_reason === 'subscription_update');
    expect(proration).toMatchObject({ amount_due: 1000, status: 'paid' });
    const subs = await world.stripe.subscriptions.list({ customer });
    expect(subs.data[0]!.items.data[0]!.price.lookup_key).toBe('truefans:tier:patron:month');
  });

  it('a fan who is not signed in is sent to sign in first', async () => {
    const { handle } = world.handler();
    const response = await handle(form('/_truefans/plan', { tier: 'patron', interval: 'month', return_to: '/posts/patrons-only/' }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/_truefans/signin?return_to=%2Fposts%2Fpatrons-only%2F');
  });

  it('the plan change checks Origin like every form', async () => {
    const { handle } = world.handler();
    const response = await handle(form('/_truefans/plan', { tier: 'patron' }, { origin: 'https://evil.example' }));
    expect(response.status).toBe(403);
  });
});

describe('the stand-in refuses update confirmations Stripe refuses', () => {
  let sub: Stripe.Subscription;
  let patronMonthly: string;
  let configuration: string;
  beforeAll(async () => {
    const { customer } = await join('supporter', 'month', 'refuse@example.com');
    sub = (await world.stripe.subscriptions.list({ customer })).data[0]!;
    patronMonthly = (await world.stripe.prices.list({ lookup_keys: ['truefans:tier:patron:month'] })).data[0]!.id;
    // The configuration stripe:sync made for the site (Stripe refuses a portal session without one).
    configuration = (await world.stripe.billingPortal.configurations.list({ active: true })).data.find((c) => c.metadata?.truefans_portal)!.id;
  });
  const create = (flow: Stripe.BillingPortal.SessionCreateParams.FlowData, customer = sub.customer as string) =>
    world.stripe.billingPortal.sessions.create({ customer, configuration, flow_data: flow });

  it('accepts one item of a live subscription with a switchable price, and records the flow', async () => {
    const session = await create({
      type: 'subscription_update_confirm',
      subscription_update_confirm: { subscription: sub.id, items: [{ id: sub.items.data[0]!.id, price: patronMonthly, quantity: 1 }] },
      after_completion: { type: 'redirect', redirect: { return_url: 'https://mira.example/x' } },
    });
    expect(session.flow).toMatchObject({ type: 'subscription_update_confirm', after_completion: { type: 'redirect', redirect: { return_url: 'https://mira.example/x' } } });
  });

  it('refuses a price the portal configuration does not offer (a one-time offer price)', async () => {
    const offer = (await world.stripe.prices.list({ lookup_keys: ['truefans:offer:field-recordings'] })).data[0]!;
    await expect(create({ type: 'subscription_update_confirm', subscription_update_confirm: { subscription: sub.id, items: [{ id: sub.items.data[0]!.id, price: offer.id }] } })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'flow_data[subscription_update_confirm][items][0][price]',
    });
  });

  it('refuses more than one item, a missing item, another customer\'s subscription, and a redirect without its URL', async () => {
    const item = sub.items.data[0]!.id;
    await expect(create({ type: 'subscription_update_confirm', subscription_update_confirm: { subscription: sub.id, items: [{ id: item, price: patronMonthly }, { id: item, price: patronMonthly }] } })).rejects.toMatchObject({ param: 'flow_data[subscription_update_confirm][items]' });
    await expect(create({ type: 'subscription_update_confirm', subscription_update_confirm: { subscription: sub.id, items: [] } })).rejects.toMatchObject({ type: 'StripeInvalidRequestError' });
    const other = await world.stripe.customers.create({ email: 'other@example.com' });
    await expect(create({ type: 'subscription_update_confirm', subscription_update_confirm: { subscription: sub.id, items: [{ id: item, price: patronMonthly }] } }, other.id)).rejects.toMatchObject({ param: 'flow_data[subscription_update_confirm][subscription]' });
    await expect(
      create({ type: 'subscription_update_confirm', subscription_update_confirm: { subscription: sub.id, items: [{ id: item, price: patronMonthly }] }, after_completion: { type: 'redirect' } }),
    ).rejects.toMatchObject({ param: 'flow_data[after_completion][redirect][return_url]' });
  });

  it('refuses a canceled subscription', async () => {
    const { customer } = await join('supporter', 'year', 'canceled@example.com');
    const s = (await world.stripe.subscriptions.list({ customer })).data[0]!;
    await world.stripe.subscriptions.cancel(s.id);
    await expect(create({ type: 'subscription_update_confirm', subscription_update_confirm: { subscription: s.id, items: [{ id: s.items.data[0]!.id, price: patronMonthly }] } }, customer)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      message: 'A canceled subscription cannot be updated.',
    });
  });
});

describe('what was bought decides the words', () => {
  async function buy(fields: Record<string, string>, email: string) {
    const { handle } = world.handler();
    const start = await handle(form('/_truefans/checkout', fields));
    const jar = cookiesFrom(start);
    const paid = await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', email);
    const back = new URL(paid.headers.get('location')!);
    const complete = await handle(request(back.pathname + back.search, { cookie: cookieHeader(jar) }));
    await world.standIn.webhooks.flush();
    return { complete, body: text(await complete.text()), jar: new Map([...jar, ...cookiesFrom(complete)]), handle };
  }

  it('a buyer is thanked and gets the download at once: on the completion page, in the email and on the account page', async () => {
    const { complete, body, jar, handle } = await buy({ offer: 'field-recordings', return_to: '/' }, 'songbook@example.com');
    expect(complete.status).toBe(200);
    expect(body).toContain('Thank you for buying Field recordings, vol. 1');
    expect(body).not.toMatch(/true fan/i);
    const page = await (await handle(request('/_truefans/account', { cookie: cookieHeader(jar) }))).text();
    expect(page).toContain('href="/_truefans/asset/a1/recordings.zip"');
    expect(text(page)).toContain('Field recordings, vol. 1, bought on November 22, 2026');
    const mail = world.outbox.find((m) => m.to === 'songbook@example.com' && m.kind === 'welcome')!;
    expect(mail.subject).toBe('Thank you for buying Field recordings, vol. 1');
    expect(mail.text).toContain('Download it here: https://mira.example/_truefans/asset/a1/recordings.zip');
    expect(mail.text).not.toMatch(/true fan/i);
    const notice = world.outbox.filter((m) => m.kind === 'new-fan').pop()!;
    expect(notice.subject).toBe('A new purchase: Ada Fan bought Field recordings, vol. 1');
    expect(notice.text).toContain('(Buyers and supporters are not counted as members.)');
  });

  it('the completion page of a purchase offers the download button', async () => {
    const { body } = await buy({ offer: 'field-recordings', return_to: '/' }, 'songbook2@example.com');
    expect(body).toContain('Download Field recordings, vol. 1');
  });

  it('a gift thanks a supporter and never calls them a true fan', async () => {
    const { body } = await buy({ amount: '7.50', return_to: '/' }, 'gift@example.com');
    expect(body).toContain('Thank you for your gift');
    expect(body).toContain('Your support of $7.50 is received.');
    expect(body).not.toMatch(/true fan/i);
    const mail = world.outbox.find((m) => m.to === 'gift@example.com' && m.kind === 'welcome')!;
    expect(mail.text).toContain('Thank you for your gift of $7.50 to Mira Lune.');
    expect(mail.text).not.toMatch(/true fan/i);
    expect(world.outbox.filter((m) => m.kind === 'new-fan').pop()!.subject).toBe('A gift from Ada Fan: $7.50');
  });

  it('a trial is stated in the welcome email', async () => {
    await buy({ tier: 'patron', interval: 'month', return_to: '/membership/' }, 'trial@example.com');
    const mail = world.outbox.find((m) => m.to === 'trial@example.com' && m.kind === 'welcome')!;
    expect(mail.text).toContain('Your 7-day trial ends on Nov 29; then $15 a month. Cancel any time before from your account.');
  });

  it('joining from a page that is not a post shows the welcome page for the named tier, with the trial', async () => {
    const { complete, body } = await buy({ tier: 'patron', interval: 'year', return_to: '/membership/' }, 'trial2@example.com');
    expect(complete.status).toBe(200);
    expect(body).toContain('Welcome, Patron');
    expect(body).toContain('Your 7-day trial ends on Nov 29; then $150 a year.');
  });
});

describe('sign-in ends with a confirmation', () => {
  it('"You\'re signed in as ..." on the page the fan lands on, once', async () => {
    await join('supporter', 'month', 'signin-banner@example.com');
    const { handle } = world.handler();
    await handle(form('/_truefans/signin', { email: 'signin-banner@example.com', return_to: '/posts/winter-tour/' }));
    await world.standIn.webhooks.flush();
    const mail = world.outbox.filter((m) => m.kind === 'sign-in' && m.to === 'signin-banner@example.com').pop()!;
    const token = new URL(/https:\/\/mira\.example\/_truefans\/signin\/confirm\?token=\S+/.exec(mail.text)![0]).searchParams.get('token')!;
    const confirmed = await handle(form('/_truefans/signin/confirm', { token }));
    expect(confirmed.headers.get('location')).toBe('/posts/winter-tour/');
    const post = await handle(request('/posts/winter-tour/', { cookie: cookieHeader(cookiesFrom(confirmed)) }));
    const body = text(await post.text());
    expect(body).toContain("You're signed in as signin-banner@example.com.");
    expect(body).toContain(SECRET_TEXT.members);
    expect(confirmed.headers.getSetCookie().some((c) => c.startsWith('__Host-truefans-member=Supporter;'))).toBe(true);
  });
});

describe('/membership/ speaks to who is reading', () => {
  const plan = (html: string, tier: string) => new RegExp(`<truefans-plan data-tier="${tier}"[^>]*>([\\s\\S]*?)</truefans-plan>`).exec(html)![1]!;

  it('a visitor without a session gets the static file untouched; a member sees their plan marked and "Switch" to the others', async () => {
    const { handle } = world.handler();
    const visitor = await handle(request('/membership/'));
    expect(visitor.status).toBe(200);
    const staticFile = await visitor.text();
    expect(plan(staticFile, 'supporter')).toContain('Join Supporter');
    expect(visitor.headers.get('cache-control') ?? '').not.toMatch(/private/);

    const { cookie } = await join('supporter', 'month', 'plans@example.com');
    const member = await handle(request('/membership/', { cookie }));
    expect(member.status).toBe(200);
    expect(member.headers.get('cache-control')).toMatch(/private/);
    expect(member.headers.get('vary')).toMatch(/Cookie/);
    const html = await member.text();
    const own = plan(html, 'supporter');
    expect(own).toContain('Your current plan');
    expect(own).toMatch(/<button[^>]*disabled>Current plan: \$5 a month<\/button>/);
    expect(own).not.toContain('Join');
    const higher = plan(html, 'patron');
    expect(higher).toContain('action="/_truefans/plan"');
    expect(higher).toContain('Switch to Patron, $15 a month');
    expect(higher).not.toContain('Join');
  });

  it('a lapsed member is offered "Rejoin" on their old tier; a cookie that is no session gets the file as built', async () => {
    const { handle } = world.handler();
    const { cookie, customer } = await join('supporter', 'month', 'lapsed.plans@example.com');
    const sub = (await world.stripe.subscriptions.list({ customer })).data[0]!;
    await world.stripe.subscriptions.cancel(sub.id);
    await world.standIn.clock.advance(3601);
    const lapsed = await (await handle(request('/membership/', { cookie }))).text();
    expect(plan(lapsed, 'supporter')).toContain('Rejoin for $5 a month');
    expect(plan(lapsed, 'supporter')).toContain('action="/_truefans/checkout"');

    const forged = await handle(request('/membership/', { cookie: '__Host-truefans=not.a.session' }));
    expect(forged.status).toBe(200);
    expect(plan(await forged.text(), 'supporter')).toContain('Join Supporter');
    expect(forged.headers.getSetCookie().join()).toMatch(/__Host-truefans=;.*Max-Age=0/);
  });
});
