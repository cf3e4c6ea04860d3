// Following for free, against the stand-in: the same answer for every address, the confirm link's GET
// that changes nothing, one customer however many confirmations race, marking an existing member, the
// unsubscribe link (one-click POST from another origin) and the account page's switch.

import { describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { cookieHeader, cookiesFrom, form, request } from './helpers/handler.ts';
import { payOnHostedPage, useWorld, type World } from './helpers/stand-in.ts';
import { createKeyring } from '../../src/core/crypto/keys.ts';
import { signUnsubscribeToken, unsubscribeUrl } from '../../src/core/tokens/unsubscribe.ts';
import { FOLLOW_LINK_SECONDS } from '../../src/core/tokens/follow.ts';
import { SECRET } from './helpers/site.ts';

let world: World;
useWorld((built) => ({ world } = built));

const comparable = (response: Response, body: string) => ({ status: response.status, headers: [...response.headers].filter(([k]) => k !== 'date'), body });

async function askToFollow(email: string) {
  const { handle } = world.handler();
  const response = await handle(form('/_truefans/follow', { email }));
  return { response, body: await response.text() };
}

function followLink(email: string): string {
  const mail = world.outbox.filter((m) => m.kind === 'follow' && m.to === email).pop();
  if (!mail) throw new Error(`no follow email to ${email}`);
  return /https:\/\/mira\.example\/_truefans\/follow\/confirm\?token=\S+/.exec(mail.text)![0];
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

async function customersOf(email: string): Promise<Stripe.Customer[]> {
  return (await world.stripe.customers.list({ email, limit: 100 })).data;
}

describe('following', () => {
  it('answers a known member and a stranger byte for byte the same, and mails each a link', async () => {
    const { handle } = world.handler();
    const start = await handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month' }));
    expect((await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', 'member@example.com')).status).toBe(303);
    await world.standIn.webhooks.flush();

    const before = world.outbox.length;
    const known = await askToFollow('member@example.com');
    const unknown = await askToFollow('stranger@example.com');
    expect(known.response.status).toBe(200);
    expect(known.body).toContain('Check your email');
    expect(comparable(unknown.response, unknown.body)).toEqual(comparable(known.response, known.body));
    expect(known.response.headers.getSetCookie()).toEqual([]);
    // The POST asks Stripe nothing, so not even its timing tells the two apart; both get a link.
    expect(world.outbox.slice(before).map((m) => [m.kind, m.to])).toEqual([['follow', 'member@example.com'], ['follow', 'stranger@example.com']]);
  });

  it('refuses a form from another site and an address that is not one, without mailing', async () => {
    const { handle } = world.handler();
    const before = world.outbox.length;
    expect((await handle(form('/_truefans/follow', { email: 'x@example.com' }, { origin: 'https://evil.example' }))).status).toBe(403);
    const bad = await handle(form('/_truefans/follow', { email: 'not an email' }));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('does not look like an email address');
    expect(world.outbox.length).toBe(before);
  });

  it('the link\'s GET only shows a button; its POST makes one follower customer', async () => {
    await askToFollow('New.Reader@Example.com');
    const link = followLink('New.Reader@Example.com');
    const { handle } = world.handler();
    const shown = await handle(request(link));
    const page = await shown.text();
    expect(shown.status).toBe(200);
    expect(page).toContain('<form method="post" action="/_truefans/follow/confirm">');
    expect(shown.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await customersOf('new.reader@example.com')).toEqual([]);

    const done = await handle(form('/_truefans/follow/confirm', { token: tokenOf(link) }));
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You follow Mira Lune');
    const [customer, ...more] = await customersOf('new.reader@example.com');
    expect(more).toEqual([]);
    expect(customer!.metadata).toEqual({
      truefans_email: 'new.reader@example.com',
      truefans_follower: 'yes',
      truefans_followed_at: String(Math.floor(world.standIn.clock.now() / 1000)),
    });
  });

  it('two confirmations racing (and a third later) make one customer', async () => {
    await askToFollow('racer@example.com');
    const token = tokenOf(followLink('racer@example.com'));
    const { handle } = world.handler();
    const answers = await Promise.all([1, 2, 3].map(() => handle(form('/_truefans/follow/confirm', { token }))));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect((await handle(form('/_truefans/follow/confirm', { token }))).status).toBe(200);
    const customers = await customersOf('racer@example.com');
    expect(customers.map((c) => c.metadata.truefans_follower)).toEqual(['yes']);
  });

  it('marks an existing member\'s customer instead of making another, keeping what it held', async () => {
    await askToFollow('member@example.com');
    const { handle } = world.handler();
    expect((await handle(form('/_truefans/follow/confirm', { token: tokenOf(followLink('member@example.com')) }))).status).toBe(200);
    const customers = await customersOf('member@example.com');
    expect(customers).toHaveLength(1);
    expect(customers[0]!.metadata).toMatchObject({ truefans_follower: 'yes', truefans_email: 'member@example.com' });
    expect((await world.stripe.subscriptions.list({ customer: customers[0]!.id })).data.map((s) => s.status)).toEqual(['active']);
  });

  it('refuses an expired or altered confirmation link and records nothing', async () => {
    await askToFollow('late@example.com');
    const token = tokenOf(followLink('late@example.com'));
    world.standIn.clock.advance(FOLLOW_LINK_SECONDS + 60);
    const { handle } = world.handler();
    const late = await handle(form('/_truefans/follow/confirm', { token }));
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('This link has expired');
    expect((await handle(request(`/_truefans/follow/confirm?token=${token}`))).status).toBe(400);
    expect((await handle(form('/_truefans/follow/confirm', { token: `${token.slice(0, -4)}AAAA` }))).status).toBe(400);
    expect(await customersOf('late@example.com')).toEqual([]);
  });
});

describe('unsubscribing', () => {
  async function link(email: string) {
    return unsubscribeUrl('https://mira.example', await signUnsubscribeToken(await createKeyring(SECRET), email, world.standIn.clock.now()));
  }

  it('the GET shows one button and changes nothing; the one-click POST from the mail provider turns post emails off', async () => {
    await askToFollow('leaver@example.com');
    const { handle } = world.handler();
    await handle(form('/_truefans/follow/confirm', { token: tokenOf(followLink('leaver@example.com')) }));
    const url = await link('Leaver@Example.com');

    const shown = await handle(request(url));
    const page = await shown.text();
    expect(shown.status).toBe(200);
    expect(page).toContain('Stop getting new posts by email?');
    expect(page).toMatch(/<form method="post" action="\/_truefans\/unsubscribe\?t=[^"]+">/);
    expect((await customersOf('leaver@example.com'))[0]!.metadata.truefans_post_emails).toBeUndefined();

    // RFC 8058: a POST with this body to the List-Unsubscribe URL, from the provider (no Origin, no cookie).
    const oneClick = await handle(request(url, { method: 'POST', origin: null, body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain('You’re unsubscribed');
    expect((await customersOf('leaver@example.com'))[0]!.metadata).toMatchObject({ truefans_follower: 'yes', truefans_post_emails: 'off' });

    // Following again (a new double opt-in) turns them back on.
    await askToFollow('leaver@example.com');
    await handle(form('/_truefans/follow/confirm', { token: tokenOf(followLink('leaver@example.com')) }));
    expect((await customersOf('leaver@example.com'))[0]!.metadata.truefans_post_emails).toBeUndefined();
  });

  it('answers a known and an unknown address alike, and refuses a tampered token', async () => {
    const { handle } = world.handler();
    const post = async (url: string) => {
      const response = await handle(request(url, { method: 'POST', origin: null, body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      return { response, body: (await response.text()).replace(/[a-z.]+@example\.com/, 'EMAIL') };
    };
    const known = await post(await link('leaver@example.com'));
    const unknown = await post(await link('nobody@example.com'));
    expect(comparable(unknown.response, unknown.body)).toEqual(comparable(known.response, known.body));
    expect(await customersOf('nobody@example.com')).toEqual([]);

    const url = new URL(await link('leaver@example.com'));
    const [h, p, s] = url.searchParams.get('t')!.split('.');
    const forged = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    forged.sub = 'member@example.com';
    url.searchParams.set('t', `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`);
    const refused = await handle(request(url.href, { method: 'POST', origin: null, body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('This unsubscribe link does not work');
    expect((await customersOf('member@example.com'))[0]!.metadata.truefans_post_emails).toBeUndefined();
  });
});

describe('unsubscribing, as mail providers post it', () => {
  it('accepts the one-click POST as multipart/form-data too (RFC 8058 allows either encoding)', async () => {
    await askToFollow('multipart@example.com');
    const { handle } = world.handler();
    await handle(form('/_truefans/follow/confirm', { token: tokenOf(followLink('multipart@example.com')) }));
    const url = unsubscribeUrl('https://mira.example', await signUnsubscribeToken(await createKeyring(SECRET), 'multipart@example.com', world.standIn.clock.now()));
    const body = new FormData();
    body.set('List-Unsubscribe', 'One-Click');
    const response = await handle(request(url, { method: 'POST', origin: null, body }));
    expect(response.status).toBe(200);
    expect((await customersOf('multipart@example.com'))[0]!.metadata.truefans_post_emails).toBe('off');
  });
});

describe('the account page\'s switch', () => {
  it('a signed-in member sees post emails on, turns them off and on again', async () => {
    const { handle } = world.handler();
    const start = await handle(form('/_truefans/checkout', { tier: 'patron', interval: 'month' }));
    const paid = await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', 'switcher@example.com');
    const done = await handle(request(paid.headers.get('location')!.replace(/^https?:\/\/[^/]+/, ''), { cookie: cookieHeader(cookiesFrom(start)) }));
    const jar = cookiesFrom(done);
    const cookie = cookieHeader(jar);
    const account = async () => (await handle(request('/_truefans/account', { cookie }))).text();

    expect(await account()).toContain('New posts come to you by email.');
    const off = await handle(form('/_truefans/post-emails', { emails: 'off' }, { cookie }));
    expect(off.status).toBe(303);
    expect(off.headers.get('location')).toBe('/_truefans/account');
    expect((await customersOf('switcher@example.com'))[0]!.metadata.truefans_post_emails).toBe('off');
    expect(await account()).toContain('Post emails are off');
    await handle(form('/_truefans/post-emails', { emails: 'on' }, { cookie }));
    expect((await customersOf('switcher@example.com'))[0]!.metadata.truefans_post_emails).toBeUndefined();
    expect(await account()).toContain('New posts come to you by email.');
  });

  it('refuses another site\'s form and a browser without a session', async () => {
    const { handle } = world.handler();
    expect((await handle(form('/_truefans/post-emails', { emails: 'off' }, { origin: 'https://evil.example' }))).status).toBe(403);
    const anonymous = await handle(form('/_truefans/post-emails', { emails: 'off' }));
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toContain('/_truefans/signin');
  });

  it('a follower signs in by email and finds the switch', async () => {
    const { handle } = world.handler();
    const before = world.outbox.length;
    await handle(form('/_truefans/signin', { email: 'new.reader@example.com', return_to: '/' }));
    const mail = world.outbox.slice(before).find((m) => m.kind === 'sign-in');
    expect(mail?.to).toBe('new.reader@example.com');
    const token = new URL(/https:\/\/mira\.example\/_truefans\/signin\/confirm\?token=\S+/.exec(mail!.text)![0]).searchParams.get('token')!;
    const signedIn = await handle(form('/_truefans/signin/confirm', { token }));
    const cookie = cookieHeader(cookiesFrom(signedIn));
    const page = await (await handle(request('/_truefans/account', { cookie }))).text();
    expect(page).toContain('Turn post emails off');
  });
});
