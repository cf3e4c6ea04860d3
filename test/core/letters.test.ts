// Letters to the creator, against the stand-in through the real `stripe` package and the local outbox: who
// may write under site.yaml `letters`, the email to CREATOR_EMAIL with Reply-To the fan's verified address
// (never a form field), every field escaped and nothing of the fan's in a header, the fan's copy, the lengths,
// and the daily counts (signed cookie, instance memory, store).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/adapters/node/memory-store.ts';
import { BODY_MAX, LETTERS_PER_DAY, STORE_LETTERS_PER_DAY, SUBJECT_MAX, cleanBody, cleanSubject } from '../../src/core/letters/rules.ts';
import type { KeyValueStore } from '../../src/core/ports.ts';
import { cookieHeader, cookiesFrom, form, makeHandler, request, type TestHandler } from './helpers/handler.ts';
import { buildFixture, type Fixture } from './helpers/site.ts';
import { CREATOR, payOnHostedPage, startWorld, type World } from './helpers/stand-in.ts';

type Jar = Map<string, string>;

let members: Fixture;
let patrons: Fixture;
let followers: Fixture;
let off: Fixture;
let world: World;
beforeAll(async () => {
  [members, patrons, followers, off] = await Promise.all([buildFixture({ letters: 'members' }), buildFixture({ letters: 'patron' }), buildFixture({ letters: 'followers' }), buildFixture()]);
  world = await startWorld(members);
});
afterAll(async () => {
  await world?.close();
  for (const f of [members, patrons, followers, off]) f?.cleanup();
});

/** A handler for `fixture` on the world's Stripe and outbox (and the stand-in's clock). */
function handlerFor(fixture: Fixture, options: { store?: KeyValueStore; env?: Record<string, string> } = {}): TestHandler {
  const made = makeHandler(fixture, { ...world.env, ...options.env }, options.store ? { store: () => options.store! } : {});
  Object.defineProperty(made.clock, 'now', { get: () => world.standIn.clock.now() });
  return made;
}

/** Pays for `tier` as `email`; returns the checkout completion's cookies (an unverified session). */
async function join(email: string, tier: string): Promise<Jar> {
  const { handle } = world.handler();
  const start = await handle(form('/_truefans/checkout', { tier, interval: 'month', return_to: '/' }));
  const jar = cookiesFrom(start);
  const paid = await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', email);
  const back = new URL(paid.headers.get('location')!);
  const complete = await handle(request(back.pathname + back.search, { cookie: cookieHeader(jar) }));
  await world.standIn.webhooks.flush();
  return new Map([...jar, ...cookiesFrom(complete)]);
}

/** Follows the sign-in link mailed to `email`: a verified session. */
async function signIn(email: string): Promise<Jar> {
  const { handle } = world.handler();
  const before = world.outbox.length;
  await handle(form('/_truefans/signin', { email, return_to: '/' }));
  const mail = world.outbox.slice(before).find((m) => m.kind === 'sign-in' && m.to === email);
  expect(mail, `a sign-in link for ${email}`).toBeDefined();
  const token = new URL(/https:\/\/mira\.example\/_truefans\/signin\/confirm\?token=\S+/.exec(mail!.text)![0]).searchParams.get('token')!;
  const confirmed = await handle(form('/_truefans/signin/confirm', { token }));
  expect(confirmed.status).toBe(303);
  return cookiesFrom(confirmed);
}

async function follow(email: string): Promise<void> {
  const { handle } = world.handler();
  const before = world.outbox.length;
  await handle(form('/_truefans/follow', { email }));
  const mail = world.outbox.slice(before).find((m) => m.kind === 'follow' && m.to === email)!;
  const token = new URL(/https:\/\/mira\.example\/_truefans\/follow\/confirm\?token=\S+/.exec(mail.text)![0]).searchParams.get('token')!;
  expect((await handle(form('/_truefans/follow/confirm', { token }))).status).toBeLessThan(400);
}

const letters = (since: number) => world.outbox.slice(since).filter((m) => m.kind === 'letter' || m.kind === 'letter-copy');

async function write(handler: TestHandler, jar: Jar, fields: Record<string, string>, origin?: string) {
  const response = await handler.handle(form('/_truefans/letter', fields, { cookie: cookieHeader(jar), ...(origin ? { origin } : {}) }));
  return { response, body: await response.text(), jar: new Map([...jar, ...cookiesFrom(response)]) };
}

describe('cleaning what a fan types', () => {
  it('keeps a subject to one line with no control or separator characters, and a body with its line breaks', () => {
    expect(cleanSubject('Hello\r\nBcc: everyone@example.com\u2028x\u0000').text).toBe('Hello Bcc: everyone@example.com x');
    expect(cleanSubject('   ').text).toBeUndefined();
    expect(cleanSubject('x'.repeat(SUBJECT_MAX + 1)).tooLong).toBe(true);
    expect(cleanBody('one\r\ntwo\rthree\u0007\u2029four').text).toBe('one\ntwo\nthree\nfour');
    expect(cleanBody('😀'.repeat(BODY_MAX)).tooLong).toBe(false);
  });
});

describe('a letter from a member', () => {
  let jar: Jar;
  beforeAll(async () => {
    await join('ada@fans.example', 'supporter');
    jar = await signIn('ada@fans.example');
  });

  it('goes to CREATOR_EMAIL with Reply-To the member, every field escaped and no header injected, and the member gets a copy', async () => {
    const before = world.outbox.length;
    const hostile = '<script>alert(1)</script> & "quotes"';
    const { response, body } = await write(world.handler(), jar, {
      subject: 'Thanks\r\nBcc: everyone@example.com',
      body: `${hostile}\nSecond line`,
      about: '/posts/hello/',
      // A form cannot choose where the reply goes.
      email: 'eve@evil.example',
      reply_to: 'eve@evil.example',
    });
    expect(response.status).toBe(200);
    expect(body).toContain('Your letter is on its way');
    expect(body).not.toContain(CREATOR);
    const [toCreator, copy] = [letters(before).find((m) => m.kind === 'letter')!, letters(before).find((m) => m.kind === 'letter-copy')!];
    expect(toCreator.to).toBe(CREATOR);
    expect(toCreator.replyTo).toBe('ada@fans.example');
    expect(toCreator.subject).toBe('Letter from ada@fans.example: Thanks Bcc: everyone@example.com');
    expect(toCreator.subject).not.toMatch(/[\r\n]/);
    expect(toCreator.text).toContain(hostile);
    expect(toCreator.text).toContain('after reading https://mira.example/posts/hello/');
    expect(toCreator.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;<br>Second line');
    expect(toCreator.html).not.toContain('<script>');
    expect(JSON.stringify(letters(before))).not.toContain('eve@evil.example');
    expect(copy.to).toBe('ada@fans.example');
    expect(copy.replyTo).toBeUndefined();
    expect(copy.html).not.toContain('<script>');
    expect(JSON.stringify(copy)).not.toContain(CREATOR);
  });

  it('takes an about path only when it is a path on this site', async () => {
    const before = world.outbox.length;
    await write(world.handler(), jar, { body: 'From elsewhere', about: '//evil.example/x' });
    expect(letters(before).find((m) => m.kind === 'letter')!.text).not.toContain('evil.example');
  });

  it('refuses another site\'s form, and an empty or too long letter, sending nothing', async () => {
    const before = world.outbox.length;
    expect((await write(world.handler(), jar, { body: 'Hi' }, 'https://evil.example')).response.status).toBe(403);
    const empty = await write(world.handler(), jar, { body: ' \n ' });
    expect(empty.response.status).toBe(400);
    expect(empty.body).toContain('The letter is empty.');
    expect((await write(world.handler(), jar, { body: 'x'.repeat(BODY_MAX + 1) })).response.status).toBe(400);
    expect((await write(world.handler(), jar, { body: 'ok', subject: 'x'.repeat(SUBJECT_MAX + 1) })).response.status).toBe(400);
    expect(letters(before)).toEqual([]);
  });

  it('shows the form on the account page, without the creator\'s address', async () => {
    const page = await (await world.handler().handle(request('/_truefans/account', { cookie: cookieHeader(jar) }))).text();
    expect(page).toContain('<form method="post" action="/_truefans/letter">');
    expect(page).toContain('Write to Mira Lune');
    expect(page).not.toContain(CREATOR);
  });
});

describe('who may write', () => {
  it('asks a visitor and a checkout-only session (a payment, not a proved mailbox) to sign in, sending nothing', async () => {
    const before = world.outbox.length;
    const anonymous = await write(world.handler(), new Map(), { body: 'Hello', about: '/posts/hello/' });
    expect(anonymous.response.status).toBe(200);
    expect(anonymous.body).toContain('Sign in to write to Mira Lune');
    expect(anonymous.body).toContain('value="/posts/hello/"');
    const unverified = await join('paid-only@fans.example', 'supporter');
    const asked = await write(world.handler(), unverified, { body: 'Hello' });
    expect(asked.body).toContain('confirm your email address first');
    expect(letters(before)).toEqual([]);
  });

  it('is nobody when site.yaml says off: the route answers 404', async () => {
    const jar = await signIn('ada@fans.example');
    expect((await write(handlerFor(off), jar, { body: 'Hello' })).response.status).toBe(404);
  });

  it('with a tier id, only members of that tier or a higher one', async () => {
    const supporter = await signIn('ada@fans.example');
    const refused = await write(handlerFor(patrons), supporter, { body: 'Hello' });
    expect(refused.response.status).toBe(403);
    expect(refused.body).toContain('open to members of Patron. Nothing was sent.');
    await join('pat@fans.example', 'patron');
    const patron = await signIn('pat@fans.example');
    const before = world.outbox.length;
    expect((await write(handlerFor(patrons), patron, { body: 'Hello from a patron' })).response.status).toBe(200);
    expect(letters(before).find((m) => m.kind === 'letter')?.replyTo).toBe('pat@fans.example');
    const page = await (await handlerFor(patrons).handle(request('/_truefans/account', { cookie: cookieHeader(supporter) }))).text();
    expect(page).not.toContain('action="/_truefans/letter"');
  });

  it('a follower only when site.yaml says followers', async () => {
    await follow('reader@fans.example');
    const jar = await signIn('reader@fans.example');
    const refused = await write(handlerFor(members), jar, { body: 'Hello' });
    expect(refused.response.status).toBe(403);
    expect(refused.body).toContain('open to members.');
    const before = world.outbox.length;
    expect((await write(handlerFor(followers), jar, { body: 'Hello from a reader' })).response.status).toBe(200);
    expect(letters(before).map((m) => [m.kind, m.to])).toEqual([['letter', CREATOR], ['letter-copy', 'reader@fans.example']]);
    expect(await (await handlerFor(followers).handle(request('/_truefans/account', { cookie: cookieHeader(jar) }))).text()).toContain('action="/_truefans/letter"');
  });
});

describe('the daily counts', () => {
  it(`without a store: ${LETTERS_PER_DAY} a day in the signed cookie and in the instance's memory; a new day starts again`, async () => {
    await join('busy@fans.example', 'supporter');
    let jar = await signIn('busy@fans.example');
    const instance = handlerFor(members);
    for (let i = 0; i < LETTERS_PER_DAY; i++) {
      const sent = await write(instance, jar, { body: `Letter ${i}` });
      expect(sent.response.status).toBe(200);
      jar = sent.jar;
    }
    expect((await write(instance, jar, { body: 'One more' })).response.status).toBe(429);
    // The count in the cookie holds on another instance; clearing the cookie does not reset this one.
    expect((await write(handlerFor(members), jar, { body: 'Elsewhere' })).response.status).toBe(429);
    const cleared = new Map([...jar].filter(([name]) => !name.includes('truefans-letters')));
    expect((await write(instance, cleared, { body: 'Cleared' })).response.status).toBe(429);

    await world.standIn.clock.advance(86_400);
    const tomorrow = await signIn('busy@fans.example');
    expect((await write(instance, new Map([...jar, ...tomorrow]), { body: 'Next day' })).response.status).toBe(200);
  });

  it(`with a store: ${STORE_LETTERS_PER_DAY} a day across instances, cookies or not`, async () => {
    await join('stored@fans.example', 'supporter');
    const jar = await signIn('stored@fans.example');
    const store = createMemoryStore(() => world.standIn.clock.now());
    for (let i = 0; i < STORE_LETTERS_PER_DAY; i++) expect((await write(handlerFor(members, { store }), jar, { body: `Letter ${i}` })).response.status).toBe(200);
    const refused = await write(handlerFor(members, { store }), jar, { body: 'One more' });
    expect(refused.response.status).toBe(429);
    expect(refused.body).toContain('send it tomorrow');
  });

  it('a provider that fails: a clear 503, the letter not counted', async () => {
    await join('unlucky@fans.example', 'supporter');
    const jar = await signIn('unlucky@fans.example');
    const broken = handlerFor(members, { env: { TRUEFANS_OUTBOX_URL: 'http://127.0.0.1:9/_outbox/messages' } });
    const failed = await write(broken, jar, { body: 'Lost?' });
    expect(failed.response.status).toBe(503);
    expect(failed.body).toContain('could not send your letter');
    expect(failed.response.headers.getSetCookie().some((c) => c.includes('truefans-letters'))).toBe(false);
    expect(broken.logs.join('\n')).toContain('TF_LETTER_NOT_SENT');
    expect(broken.logs.join('\n')).not.toContain('Lost?');
  });
});
