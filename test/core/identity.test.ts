// One fan, several customers, and who a session is for. A sign-in link proves the mailbox and opens what every
// customer with that email holds (whatever the letter case); a checkout completion proves only a payment and
// opens what that checkout's own customer holds. Everything through the real stripe package and the stand-in.

import { describe, expect, it } from 'vitest';
import { cookieHeader, cookiesFrom, form, request, sessionFor } from './helpers/handler.ts';
import { payOnHostedPage, startWorld, useWorld, type World } from './helpers/stand-in.ts';
import { expectNoSecrets, SECRET_TEXT, type Fixture } from './helpers/site.ts';

let fixture: Fixture;
let world: World;
useWorld((built) => ({ fixture, world } = built), { searchLagSeconds: 30 });

type Jar = Map<string, string>;

/** A signed-out browser buys `fields` paying as `email`; returns its cookies and the completion page. */
async function buy(fields: Record<string, string>, email: string) {
  const { handle } = world.handler();
  const start = await handle(form('/_truefans/checkout', fields));
  expect(start.status).toBe(303);
  const jar: Jar = cookiesFrom(start);
  const paid = await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', email);
  expect(paid.status).toBe(303);
  const back = new URL(paid.headers.get('location')!);
  const complete = await handle(request(back.pathname + back.search, { cookie: cookieHeader(jar) }));
  const body = await complete.text();
  expect(complete.status).toBe(200);
  const session = await world.stripe.checkout.sessions.retrieve(back.searchParams.get('session_id')!);
  return { jar: new Map([...jar, ...cookiesFrom(complete)]), body, customer: String(session.customer) };
}

/** Asks for a link as `typed`, follows the one mailed to that address; returns the signed-in cookies. */
async function signInByLink(typed: string, store = false): Promise<Jar> {
  const { handle } = world.handler({ store });
  const before = world.outbox.length;
  await handle(form('/_truefans/signin', { email: typed, return_to: '/' }));
  const mail = world.outbox.slice(before).find((m) => m.kind === 'sign-in' && m.to === typed);
  expect(mail, `a sign-in link mailed to ${typed}`).toBeDefined();
  const token = new URL(/https:\/\/mira\.example\/_truefans\/signin\/confirm\?token=\S+/.exec(mail!.text)![0]).searchParams.get('token')!;
  const confirmed = await handle(form('/_truefans/signin/confirm', { token }));
  expect(confirmed.status).toBe(303);
  return cookiesFrom(confirmed);
}

async function read(path: string, jar: Jar): Promise<string> {
  const { handle } = world.handler();
  return (await handle(request(path, { cookie: cookieHeader(jar) }))).text();
}

async function feedOf(jar: Jar): Promise<string> {
  const page = await read('/_truefans/account', jar);
  const feedUrl = /value="(https:\/\/mira\.example\/_truefans\/feed\/[^"]+)"/.exec(page)![1]!;
  return (await world.handler().handle(request(feedUrl))).text();
}

/** Opens the billing portal (optionally for one customer) and returns the hosted portal page's text. */
async function portal(jar: Jar, customer?: string): Promise<{ status: number; page: string; cookies: string[] }> {
  const response = await world.handler().handle(form('/_truefans/portal', customer ? { customer } : {}, { cookie: cookieHeader(jar) }));
  const cookies = response.headers.getSetCookie();
  if (response.status !== 303 || !response.headers.get('location')!.startsWith(world.standIn.url)) return { status: response.status, page: await response.text(), cookies };
  return { status: 303, page: await (await fetch(response.headers.get('location')!)).text(), cookies };
}

/** The memberships a hosted portal page shows (one card per subscription, headed by the product's name). */
function plans(page: string): string[] {
  return [...page.matchAll(/<h2 id="plan-[^"]+">([^<]+?) <span/g)].map((m) => m[1]!);
}

describe('one fan, several customers', () => {
  it('a fan who paid twice signed out (a tier, then an offer; different letter case) signs in by link and gets both', async () => {
    const tier = await buy({ tier: 'supporter', interval: 'month' }, 'Jane.Doe@Example.com');
    const offer = await buy({ offer: 'field-recordings' }, 'jane.doe@example.com');
    expect(tier.customer).not.toBe(offer.customer);
    // Each checkout's own session opens only what it bought.
    expect(await read('/posts/album-notes/', tier.jar)).not.toContain(SECRET_TEXT.offer);
    expect(await read('/posts/winter-tour/', offer.jar)).not.toContain(SECRET_TEXT.members);

    await world.standIn.clock.advance(60); // past the search index's lag
    const jar = await signInByLink('JANE.DOE@example.com');
    expect(await read('/posts/winter-tour/', jar)).toContain(SECRET_TEXT.members);
    expect(await read('/posts/album-notes/', jar)).toContain(SECRET_TEXT.offer);
    // The private feed of a verified fan is the feed of the email: the tier's posts come from the other customer.
    expect(await feedOf(offer.jar)).not.toContain(SECRET_TEXT.members);
    expect(await feedOf(jar)).toContain(SECRET_TEXT.members);

    // Both survive the hourly re-check, which reads every customer with the email again.
    await world.standIn.clock.advance(3601);
    const { handle } = world.handler();
    const rechecked = await handle(request('/posts/album-notes/', { cookie: cookieHeader(jar) }));
    expect(rechecked.headers.getSetCookie().some((c) => c.startsWith('__Host-truefans=') && !c.includes('Max-Age=0'))).toBe(true);
    expect(await rechecked.text()).toContain(SECRET_TEXT.offer);
    const after = new Map([...jar, ...cookiesFrom(rechecked)]);
    expect(await read('/posts/winter-tour/', after)).toContain(SECRET_TEXT.members);

    // The account page lists each customer with its own "Manage" button; each opens its own portal.
    const account = await read('/_truefans/account', after);
    expect(account).toContain(`name="customer" value="${tier.customer}"`);
    expect(account).toContain(`name="customer" value="${offer.customer}"`);
    const tierPortal = await portal(after, tier.customer);
    expect(tierPortal.status).toBe(303);
    expect(plans(tierPortal.page)).toEqual(['Supporter']);
    expect((await portal(after, offer.customer)).status).toBe(303);
    // A customer outside the session's set is refused.
    const stranger = await world.stripe.customers.create({ email: 'stranger@example.com' });
    const refused = await portal(after, stranger.id);
    expect(refused.status).toBe(403);
    expect(refused.page).toContain('not yours to manage');
  });

  it('a verified fan buys as the customer that holds their tier, so Checkout makes no new customer', async () => {
    const holder = { id: (await buy({ tier: 'supporter', interval: 'year' }, 'sam@example.com')).customer };
    const gift = await buy({ amount: '5' }, 'sam@example.com'); // a second, newer customer holding nothing
    expect(gift.customer).not.toBe(holder.id);
    const jar = await signInByLink('sam@example.com');
    const { handle } = world.handler();
    const start = await handle(form('/_truefans/checkout', { offer: 'field-recordings' }, { cookie: cookieHeader(jar) }));
    expect(start.status).toBe(303);
    const id = start.headers.get('location')!.split('/').pop()!;
    expect((await world.stripe.checkout.sessions.retrieve(id)).customer).toBe(holder.id);
    // And a second tier is refused before Checkout, whichever customer holds the first.
    const again = await handle(form('/_truefans/checkout', { tier: 'patron', interval: 'month' }, { cookie: cookieHeader(jar) }));
    expect(again.status).toBe(409);
  });

  it('a customer created a moment ago is still found (search lags; exact lists do not), and a failing search falls back', async () => {
    await buy({ tier: 'supporter', interval: 'month' }, 'fresh@example.com');
    expect((await world.stripe.customers.search({ query: "email:'fresh@example.com'" })).data).toEqual([]);
    const jar = await signInByLink('fresh@example.com');
    expect(await read('/posts/winter-tour/', jar)).toContain(SECRET_TEXT.members);

    world.standIn.faults.inject({ status: 500, method: 'GET', path: '/v1/customers/search', times: 5 });
    const { handle, logs } = world.handler();
    const before = world.outbox.length;
    await handle(form('/_truefans/signin', { email: 'fresh@example.com' }));
    expect(world.outbox.slice(before).filter((m) => m.kind === 'sign-in').map((m) => m.to)).toEqual(['fresh@example.com']);
    expect(logs.join('\n')).toContain('finding customers by exact email only');
    world.standIn.faults.clear();
  });

  it('where Stripe offers no search (India), sign-in still finds the exact address', async () => {
    const india = await startWorld(fixture, { searchUnavailable: true });
    try {
      const { handle } = india.handler();
      const start = await handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month' }));
      await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', 'asha@example.in');
      const { handle: again, logs } = india.handler();
      await again(form('/_truefans/signin', { email: 'asha@example.in' }));
      expect(india.outbox.filter((m) => m.kind === 'sign-in').map((m) => m.to)).toEqual(['asha@example.in']);
      expect(logs.join('\n')).toContain('was refused');
    } finally {
      await india.close();
    }
  });
});

describe('paying is not proof of an email address', () => {
  it('an attacker who types a victim\'s email at Checkout opens only what their own checkout bought', async () => {
    const victim = await buy({ tier: 'patron', interval: 'month' }, 'victim@example.com');
    expect(await read('/posts/patrons-only/', victim.jar)).toContain(SECRET_TEXT.patron);
    await world.standIn.clock.advance(60);

    const before = world.outbox.length;
    const attacker = await buy({ tier: 'supporter', interval: 'month' }, 'Victim@Example.com');
    expect(attacker.customer).not.toBe(victim.customer);
    // The completion page says nothing about the email's other memberships (anyone could start a trial with
    // someone's address to learn whether they are a member), and nothing the victim holds.
    expect(attacker.body).not.toContain('already had a membership');
    expect(attacker.body).not.toContain('Patron');
    expect(attacker.body).not.toContain(victim.customer);
    expect(attacker.body).toContain('Welcome, Supporter');
    // Only the mailbox hears of it: the welcome email to the address typed says it may be paying twice.
    await world.standIn.webhooks.flush();
    const welcome = world.outbox.slice(before).find((m) => m.kind === 'welcome' && m.to === 'Victim@Example.com');
    expect(welcome?.text).toContain('already had a membership');
    expect(welcome?.text).not.toContain('Patron');

    expect(await read('/posts/winter-tour/', attacker.jar)).toContain(SECRET_TEXT.members); // what they paid for
    expect(await read('/posts/patrons-only/', attacker.jar)).not.toContain(SECRET_TEXT.patron);
    const rss = await feedOf(attacker.jar);
    expect(rss).not.toContain(SECRET_TEXT.patron);
    const account = await read('/_truefans/account', attacker.jar);
    expect(account).not.toContain(victim.customer);
    expect(account).not.toContain('Membership: Patron');

    // The victim's portal is refused; the attacker's own opens, showing only the attacker's membership.
    expect((await portal(attacker.jar, victim.customer)).status).toBe(403);
    const own = await portal(attacker.jar);
    expect(own.status).toBe(303);
    expect(plans(own.page)).toEqual(['Supporter']);

    // The re-check reads the attacker's customer alone, never the email.
    await world.standIn.clock.advance(3601);
    const { handle } = world.handler();
    const later = await handle(request('/posts/patrons-only/', { cookie: cookieHeader(attacker.jar) }));
    expect(await later.text()).not.toContain(SECRET_TEXT.patron);
    const laterJar = new Map([...attacker.jar, ...cookiesFrom(later)]);
    expect(await read('/posts/patrons-only/', laterJar)).not.toContain(SECRET_TEXT.patron);
    expect((await portal(laterJar, victim.customer)).status).toBe(403);
  });

  it('a fan who subscribed twice is told plainly by email, and the new membership\'s portal opens from the browser that paid', async () => {
    await buy({ tier: 'supporter', interval: 'month' }, 'twice@example.com');
    await world.standIn.clock.advance(60);
    const before = world.outbox.length;
    const second = await buy({ tier: 'patron', interval: 'month' }, 'TWICE@example.com');
    await world.standIn.webhooks.flush();
    const welcome = world.outbox.slice(before).find((m) => m.kind === 'welcome' && m.to === 'TWICE@example.com');
    expect(welcome?.text).toContain('already had a membership of Mira Lune before this payment, so you may now be paying twice');
    expect(welcome?.text).toContain('https://mira.example/_truefans/account');
    const own = await portal(second.jar);
    expect(plans(own.page)).toEqual(['Patron']);
    // A first membership gets no such notice.
    const firstBefore = world.outbox.length;
    await buy({ tier: 'supporter', interval: 'month' }, 'once@example.com');
    await world.standIn.webhooks.flush();
    const firstWelcome = world.outbox.slice(firstBefore).find((m) => m.kind === 'welcome' && m.to === 'once@example.com');
    expect(firstWelcome?.text).toBeDefined();
    expect(firstWelcome?.text).not.toContain('already had a membership');
  });
});

describe('a customer Stripe no longer knows', () => {
  it('signs the fan out cleanly (cookie cleared, no 503) at the re-check and at the portal', async () => {
    const { handle } = world.handler();
    const stale = await sessionFor('cus_GoneAfterKeySwap', { tiers: ['supporter'], offers: [] }, world.standIn.clock.now() - 7200_000, { nowMs: world.standIn.clock.now() - 7200_000 });
    const page = await handle(request('/posts/winter-tour/', { cookie: stale }));
    expect(page.status).toBe(200);
    expect(page.headers.getSetCookie().some((c) => c.startsWith('__Host-truefans=;') || /^__Host-truefans=[^;]*;.*Max-Age=0/.test(c))).toBe(true);
    expectNoSecrets(await page.text());

    const fresh = await sessionFor('cus_GoneAfterKeySwap', { tiers: ['supporter'], offers: [] }, world.standIn.clock.now());
    const opened = await handle(form('/_truefans/portal', {}, { cookie: fresh }));
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toMatch(/^\/_truefans\/signin/);
    expect(opened.headers.getSetCookie().some((c) => /^__Host-truefans=[^;]*;.*Max-Age=0/.test(c))).toBe(true);
  });
});
