// Sign-in by emailed link: the same answer for known and unknown emails, a GET that only shows a button
// and sets no cookie, a POST that signs in once and sends the fan to a clean URL.

import { beforeAll, describe, expect, it } from 'vitest';
import { cookieHeader, cookiesFrom, form, request } from '../helpers/handler.ts';
import { payOnHostedPage, useWorld, type World } from '../helpers/stand-in.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectNoSecrets, SECRET_TEXT, type Fixture } from '../helpers/site.ts';

let fixture: Fixture;
let world: World;
const KNOWN = 'known@example.com';

useWorld((built) => ({ fixture, world } = built));
beforeAll(async () => {
  const { handle } = world.handler();
  const start = await handle(form('/_truefans/checkout', { tier: 'supporter', interval: 'month' }));
  const paid = await payOnHostedPage(start.headers.get('location')!, '4242 4242 4242 4242', KNOWN);
  expect(paid.status).toBe(303);
  await world.standIn.webhooks.flush();
});
function comparable(response: Response, body: string) {
  const headers = [...response.headers].filter(([k]) => k !== 'date');
  return { status: response.status, headers, body };
}

function linksTo(email: string): string[] {
  return world.outbox.filter((m) => m.kind === 'sign-in' && m.to === email).map((m) => /https:\/\/mira\.example\/_truefans\/signin\/confirm\?token=\S+/.exec(m.text)![0]);
}

async function askForLink(email: string, returnTo = '/posts/winter-tour/', store = false) {
  const { handle } = world.handler({ store });
  const response = await handle(form('/_truefans/signin', { email, return_to: returnTo }));
  return { response, body: await response.text() };
}

describe('sign-in', () => {
  it('answers known and unknown emails identically, and mails only the member', async () => {
    const before = world.outbox.length;
    const known = await askForLink(KNOWN);
    const unknown = await askForLink('stranger@example.com');
    expect(comparable(unknown.response, unknown.body)).toEqual(comparable(known.response, known.body));
    expect(known.response.status).toBe(200);
    expect(known.body).toContain('Check your email');
    expect(known.response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(known.response.headers.getSetCookie()).toEqual([]);
    const sent = world.outbox.slice(before);
    expect(sent.map((m) => [m.kind, m.to])).toEqual([['sign-in', KNOWN]]);
    expect(sent[0]!.subject).toBe('Your sign-in link for Mira Lune');
  });

  it('the link\'s GET shows a confirm button and sets no cookie; the POST signs in and leaves a clean URL', async () => {
    await askForLink(KNOWN);
    const link = linksTo(KNOWN).pop()!;
    const { handle } = world.handler();
    const shown = await handle(request(link));
    const page = await shown.text();
    expect(shown.status).toBe(200);
    expect(shown.headers.getSetCookie()).toEqual([]);
    expect(shown.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page).toContain('Sign in on this device?');
    expect(page).toContain('<form method="post" action="/_truefans/signin/confirm">');
    expectNoSecrets(page);

    const token = new URL(link).searchParams.get('token')!;
    const confirmed = await handle(form('/_truefans/signin/confirm', { token }));
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('/posts/winter-tour/');
    expect(confirmed.headers.get('referrer-policy')).toBe('no-referrer');
    const jar = cookiesFrom(confirmed);
    expect(await (await handle(request('/posts/winter-tour/', { cookie: cookieHeader(jar) }))).text()).toContain(SECRET_TEXT.members);
  });

  it('a link works once when a store exists', async () => {
    await askForLink(KNOWN);
    const token = new URL(linksTo(KNOWN).pop()!).searchParams.get('token')!;
    const { handle } = world.handler({ store: true });
    expect((await handle(form('/_truefans/signin/confirm', { token }))).status).toBe(303);
    const second = await handle(form('/_truefans/signin/confirm', { token }));
    expect(second.status).toBe(400);
    expect(second.headers.getSetCookie()).toEqual([]);
    expect(await second.text()).toContain('This sign-in link has expired');
    expect((await handle(request(`/_truefans/signin/confirm?token=${token}`))).status).toBe(400);
  });

  it('a link expires after 15 minutes', async () => {
    await askForLink(KNOWN);
    const token = new URL(linksTo(KNOWN).pop()!).searchParams.get('token')!;
    await world.standIn.clock.advance(15 * 60 + 1);
    const { handle } = world.handler();
    const late = await handle(form('/_truefans/signin/confirm', { token }));
    expect(late.status).toBe(400);
    expect(late.headers.getSetCookie()).toEqual([]);
    expectNoSecrets(await late.text());
  });

  it('a forged or tampered token signs nobody in', async () => {
    await askForLink(KNOWN);
    const token = new URL(linksTo(KNOWN).pop()!).searchParams.get('token')!;
    const { handle } = world.handler();
    for (const bad of [token.slice(0, -2) + 'xx', 'eyJhbGciOiJub25lIn0.e30.', '']) {
      const response = await handle(form('/_truefans/signin/confirm', { token: bad }));
      expect(response.status).toBe(400);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('never redirects off the site after signing in', async () => {
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)']) {
      await askForLink(KNOWN, bad);
      const token = new URL(linksTo(KNOWN).pop()!).searchParams.get('token')!;
      const { handle } = world.handler();
      const confirmed = await handle(form('/_truefans/signin/confirm', { token }));
      // A return path that is not one of the function's pages ends on the account page, which says who signed in.
      expect(confirmed.headers.get('location')).toBe('/_truefans/account');
    }
  });

  it('limits links per address when a store exists, with the same answer', async () => {
    const before = world.outbox.filter((m) => m.kind === 'sign-in').length;
    const answers = new Set<string>();
    const { handle } = world.handler({ store: true });
    for (let i = 0; i < 7; i++) answers.add(await (await handle(form('/_truefans/signin', { email: KNOWN }))).text());
    expect(answers.size).toBe(1);
    expect(world.outbox.filter((m) => m.kind === 'sign-in').length - before).toBe(5);
  });

  it('answers 503 for everyone when email is not set up', async () => {
    const { handle, logs } = world.handler({ env: { EMAIL_PROVIDER: '' } });
    const a = await handle(form('/_truefans/signin', { email: KNOWN }));
    const b = await handle(form('/_truefans/signin', { email: 'stranger@example.com' }));
    expect(a.status).toBe(503);
    expect(comparable(b, await b.text())).toEqual(comparable(a, await a.text()));
    expect(logs[0]).toContain('Set EMAIL_PROVIDER');
  });
});

describe('one sign-in page', () => {
  const note = (body: string) => /<truefans-signin-note>([\s\S]*?)<\/truefans-signin-note>/.exec(body)?.[1];
  const returnField = (body: string) => [...body.matchAll(/<input type="hidden" name="return_to" value="([^"]*)">/g)].map((m) => m[1]);

  it('the function answers with the built /signin/ page, returning where the fan was, without a referrer', async () => {
    const { handle } = world.handler();
    const response = await handle(request('/_truefans/signin?return_to=%2Fposts%2Fwinter-tour%2F'));
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(body).toContain('<title>Sign in · Mira Lune</title>');
    expect(body).toContain('Already a member? Enter the email address you joined with.');
    expect(returnField(body)).toEqual(['/posts/winter-tour/']);
    expect(note(body)).toBe('');
    // An off-site or odd return path becomes the home page, escaped either way.
    const odd = await (await handle(request('/_truefans/signin?return_to=%22%3E%3Cscript%3E'))).text();
    expect(odd).not.toContain('<script>');
    expect(returnField(odd)).toHaveLength(1);
  });

  it('a mistyped email gets the same page back with a note, 400', async () => {
    const { response, body } = await askForLink('not-an-email', '/posts/hello/');
    expect(response.status).toBe(400);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(body).toContain('<title>Sign in · Mira Lune</title>');
    expect(note(body)).toBe('<p class="signin-note" role="status">That does not look like an email address. Please check it and try again.</p>');
    expect(returnField(body)).toEqual(['/posts/hello/']);
  });

  it('the account page asks an anonymous visitor to sign in on the same page', async () => {
    const { handle } = world.handler();
    const response = await handle(request('/_truefans/account'));
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(body).toContain('<title>Sign in · Mira Lune</title>');
    expect(note(body)).toContain('Sign in to see your membership.');
    expect(returnField(body)).toEqual(['/_truefans/account']);
  });

  it('without a usable built page (none, or its markers gone), the built-in sign-in view in the shell stands in', async () => {
    const original = readFileSync(join(fixture.dir, 'signin/index.html'), 'utf8');
    try {
      for (const built of ['', '<!doctype html><main><h1>Sign in</h1><form></form></main>']) {
        fixture.write('signin/index.html', built);
        const { handle } = world.handler();
        const response = await handle(request('/_truefans/signin?return_to=%2Fposts%2Fhello%2F'));
        const body = await response.text();
        expect(response.status).toBe(200);
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        expect(body).toContain('<div class="shell">');
        expect(body).toContain('value="/posts/hello/"');
      }
    } finally {
      fixture.write('signin/index.html', original);
    }
  });
});
