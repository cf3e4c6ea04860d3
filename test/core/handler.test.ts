// The handler as an adapter calls it, with fresh session cookies (no Stripe call needed): gated pages,
// variants, cache headers, pass-through, misconfiguration, origin checks and open redirects.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_PATH, ROUTES } from '../../src/core/paths.ts';
import type { AssetFetcher } from '../../src/core/ports.ts';
import { functionPaths } from '../../src/core/router.ts';
import { createMemoryBilling, type MemoryBilling } from './helpers/memory-billing.ts';
import { notModified } from '../../src/adapters/node/http-cache.ts';
import { form, makeHandler, NOW, request, sessionFor } from './helpers/handler.ts';
import { buildFixture, expectNoSecrets, OTHER_SECRET, SECRET_TEXT, TEASER_TEXT, type Fixture } from './helpers/site.ts';

let fixture: Fixture;
let billing: MemoryBilling;
beforeAll(async () => {
  fixture = await buildFixture();
  billing = createMemoryBilling({ now: () => NOW });
});
afterAll(() => {
  fixture.cleanup();
});

const env = () => ({});
/** The handler over the in-memory billing (whose calls the tests count). */
const handlerOf = (site: Fixture, vars: Record<string, string | undefined>) => makeHandler(site, vars, { billing: billing.factory });
const supporter = () => sessionFor('cus_fan1', { tiers: ['supporter'], offers: [] }, NOW - 60_000);

describe('gated pages', () => {
  it('shows a member the page with its sealed part opened, privately', async () => {
    const { handle } = handlerOf(fixture, env());
    const before = billing.calls.length;
    const first = await handle(request('/posts/winter-tour/', { cookie: await supporter() }));
    // The first time the isolate makes this page, it is made for that answer alone (issue 12: a page is
    // kept, with its tag, from its second time); the second answer is the same page, tagged.
    expect(first.headers.get('etag')).toBeNull();
    const firstBody = await first.text();
    const response = await handle(request('/posts/winter-tour/', { cookie: await supporter() }));
    const body = await response.text();
    expect(body).toBe(firstBody);
    expect(response.status).toBe(200);
    expect(body).toContain(SECRET_TEXT.members);
    expect(body).toContain(TEASER_TEXT);
    expect(body).not.toContain('<truefans-gate');
    expect(body).not.toContain('<truefans-locked');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('vary')).toBe('Cookie');
    // A strong tag of the file's version and what the fan holds (issue 12), with the body's exact length.
    expect(response.headers.get('etag')).toMatch(/^"tf[A-Za-z0-9_-]{27}"$/);
    expect(response.headers.get('content-length')).toBe(String(new TextEncoder().encode(body).byteLength));
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(billing.calls.length).toBe(before); // a fresh cookie needs no Stripe call
  });

  it('shows an anonymous visitor the teaser as built, varying on the cookie and never shared', async () => {
    const { handle } = handlerOf(fixture, env());
    await (await handle(request('/posts/winter-tour/'))).text();
    const response = await handle(request('/posts/winter-tour/'));
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(body).toContain(TEASER_TEXT);
    expect(body).toContain('<truefans-locked data-tier="members" data-paywall="post">');
    expectNoSecrets(body);
    expect(response.headers.get('vary')).toBe('Cookie');
    expect(response.headers.get('cache-control')).toBe('private, no-cache');
    // Issue 12: the teaser has a version of its own, and carries no ciphertext.
    expect(response.headers.get('etag')).toMatch(/^"tf[A-Za-z0-9_-]{27}"$/);
    expect(body).not.toContain('<truefans-gate');
    expect(body).not.toMatch(/tf[12]\./);
  });

  it('gives each holding its own strong ETag: the teaser, a member, another member with the same tiers, a member with other tiers', async () => {
    const { handle } = makeHandler(fixture, env());
    const get = async (cookie?: string, headers: Record<string, string> = {}) => {
      // Twice: a page gets its tag from the second time the isolate makes it.
      await (await handle(request('/posts/winter-tour/', { ...(cookie ? { cookie } : {}), headers }))).text();
      const response = await handle(request('/posts/winter-tour/', { ...(cookie ? { cookie } : {}), headers }));
      return { response, body: await response.text(), etag: response.headers.get('etag')! };
    };
    const teaser = await get();
    const one = await get(await supporter());
    const two = await get(await sessionFor('cus_fan2', { tiers: ['supporter'], offers: [] }, NOW - 30_000));
    const patron = await get(await sessionFor('cus_p', { tiers: ['patron'], offers: [] }, NOW - 60_000));
    const buyer = await get(await sessionFor('cus_b', { tiers: [], offers: ['field-recordings'] }, NOW - 60_000));
    // Never from who the fan is: two supporters share the tag, and the bytes.
    expect(two.etag).toBe(one.etag);
    expect(two.body).toBe(one.body);
    expect(new Set([teaser.etag, one.etag, patron.etag, buyer.etag]).size).toBe(4);
    expect(one.body).toContain(SECRET_TEXT.members);
    expectNoSecrets(buyer.body);
    expect(buyer.body).not.toMatch(/tf[12]\./);
    // The same reader again: the same tag (the page is remembered by the file's ETag).
    expect((await get()).etag).toBe(teaser.etag);
    // A member presenting the teaser's tag (they read it before joining) gets the whole page, never a 304;
    // a visitor presenting a member's tag gets the teaser; neither is turned into a 304 by the Node server.
    const member = await get(await supporter(), { 'if-none-match': teaser.etag });
    expect(member.response.status).toBe(200);
    expect(member.body).toContain(SECRET_TEXT.members);
    const visitorRequest = request('/posts/winter-tour/', { headers: { 'if-none-match': one.etag } });
    const visitor = notModified(visitorRequest, await handle(visitorRequest));
    expect(visitor.status).toBe(200);
    expectNoSecrets(await visitor.text());
    const again = request('/posts/winter-tour/', { cookie: await supporter(), headers: { 'if-none-match': one.etag } });
    expect(notModified(again, await handle(again)).status).toBe(200);
  });

  it('shows a visitor with scripts off the paywall and the way to join, and none of the sealed parts, however long the post', async () => {
    const { handle } = makeHandler(fixture, env());
    const built = readFileSync(join(fixture.dir, 'posts/winter-tour/index.html'), 'utf8');
    expect(built).toContain('data-truefans-envelope');
    const body = await (await handle(request('/posts/winter-tour/'))).text();
    expect(body).toContain('<truefans-locked data-tier="members" data-paywall="post">');
    expect(body).toMatch(new RegExp(`<form[^>]+action="${ROUTES.checkout}"`));
    expect(body).not.toContain('data-truefans-envelope');
    // What is left is the page as built less its sealed parts: no byte of ciphertext is sent.
    const gates = [...built.matchAll(/<truefans-gate[\s\S]*?<\/truefans-gate>/g)].reduce((n, m) => n + m[0].length, 0);
    expect(gates).toBeGreaterThan(0);
    expect(body.length).toBe(built.length - gates);
  });

  it('shows a supporter only the teaser of a patron page, and of an offer page', async () => {
    const { handle } = handlerOf(fixture, env());
    for (const path of ['/posts/patrons-only/', '/posts/album-notes/']) {
      const response = await handle(request(path, { cookie: await supporter() }));
      const body = await response.text();
      expect(response.status).toBe(200);
      expectNoSecrets(body);
      expect(body).toContain('<truefans-locked');
      expect(response.headers.get('vary')).toBe('Cookie');
    }
  });

  it('opens a patron page for a patron and an offer page for a buyer', async () => {
    const { handle } = handlerOf(fixture, env());
    const patron = await sessionFor('cus_p', { tiers: ['patron'], offers: [] }, NOW);
    expect(await (await handle(request('/posts/patrons-only/', { cookie: patron }))).text()).toContain(SECRET_TEXT.patron);
    expect(await (await handle(request('/posts/winter-tour/', { cookie: patron }))).text()).toContain(SECRET_TEXT.members);
    const buyer = await sessionFor('cus_b', { tiers: [], offers: ['field-recordings'] }, NOW);
    expect(await (await handle(request('/posts/album-notes/', { cookie: buyer }))).text()).toContain(SECRET_TEXT.offer);
    const notes = await (await handle(request('/posts/winter-tour/', { cookie: buyer }))).text();
    expectNoSecrets(notes);
  });

  it.each([
    '/posts/winter-tour',
    '/posts/winter-tour/index.html',
    '/Posts/Winter-Tour/',
    '/posts/%77inter-tour/',
    '/posts%2Fwinter-tour/',
    '//posts//winter-tour/',
    '/posts/./winter-tour/',
    '/posts/x/../winter-tour/',
    '/posts/winter-tour.html',
    '/posts/WINTER-TOUR/INDEX.HTML',
  ])('gates the variant %s', async (variant) => {
    const { handle } = handlerOf(fixture, env());
    fixture.seen.length = 0;
    const anonymous = await handle(request(variant));
    const body = await anonymous.text();
    expectNoSecrets(body);
    expect(anonymous.headers.get('vary')).toBe('Cookie');
    expect(body).toContain(TEASER_TEXT);
    // The static file asked for is the canonical page, never the variant.
    expect(fixture.seen).toContain('/posts/winter-tour/');
    const member = await handle(request(variant, { cookie: await supporter() }));
    expect(await member.text()).toContain(SECRET_TEXT.members);
    expect(member.headers.get('cache-control')).toBe('private, no-store');
  });

  it('answers HEAD without a body and refuses other methods on a gated path', async () => {
    const { handle } = handlerOf(fixture, env());
    const head = await handle(request('/posts/winter-tour/', { method: 'HEAD', cookie: await supporter() }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await handle(request('/posts/winter-tour/', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
    expectNoSecrets(await post.text());
  });

  it('ignores conditional headers, so a cached teaser can never answer for a member', async () => {
    const { handle } = handlerOf(fixture, env());
    const response = await handle(request('/posts/winter-tour/', { cookie: await supporter(), headers: { 'if-none-match': '*', 'if-modified-since': new Date(NOW).toUTCString(), range: 'bytes=0-10' } }));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(SECRET_TEXT.members);
  });

  it('treats a forged, tampered or foreign cookie as anonymous and clears it', async () => {
    const { handle } = handlerOf(fixture, env());
    const good = await supporter();
    const forged = [
      good.slice(0, -3) + (good.endsWith('A') ? 'BBB' : 'AAA'),
      await sessionFor('cus_fan1', { tiers: ['patron'], offers: [] }, NOW, { secret: OTHER_SECRET }),
      '__Host-truefans=not-a-jwt',
    ];
    for (const cookie of forged) {
      const response = await handle(request('/posts/winter-tour/', { cookie }));
      expectNoSecrets(await response.text());
      expect(response.headers.getSetCookie()[0]).toMatch(/^__Host-truefans=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0; Secure$/);
    }
  });

  it('remembers an opened page per file version and per entitlements, never across them', async () => {
    const own = await buildFixture();
    try {
      const { handle } = handlerOf(own, env());
      const page = () => handle(request('/posts/winter-tour/', { cookie: supporterCookie }));
      const supporterCookie = await supporter();
      const first = await (await page()).text();
      expect(first).toContain(SECRET_TEXT.members);
      expect(await (await page()).text()).toBe(first);
      // Another fan, other entitlements: their own page, not the remembered one.
      const buyer = await sessionFor('cus_b', { tiers: [], offers: ['field-recordings'] }, NOW);
      expectNoSecrets(await (await handle(request('/posts/winter-tour/', { cookie: buyer }))).text());
      expectNoSecrets(await (await handle(request('/posts/winter-tour/'))).text());
      // A new deploy of the file (a new ETag) is served, not the remembered bytes.
      const built = readFileSync(join(own.dir, 'posts/winter-tour/index.html'), 'utf8');
      own.write('posts/winter-tour/index.html', built.replace(TEASER_TEXT, 'A corrected teaser line'));
      const after = await (await page()).text();
      expect(after).toContain('A corrected teaser line');
      expect(after).toContain(SECRET_TEXT.members);
    } finally {
      own.cleanup();
    }
  });

  it('serves the teaser with a notice, never partial plaintext, when a part does not open', async () => {
    const other = await buildFixture({ secret: OTHER_SECRET });
    try {
      const { handle, logs } = handlerOf(other, env());
      const response = await handle(request('/posts/winter-tour/', { cookie: await supporter() }));
      const body = await response.text();
      expect(response.status).toBe(200);
      expectNoSecrets(body);
      expect(body).toContain('This page could not be unlocked just now.');
      expect(body).toContain('<truefans-gate data-tier="members"');
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(logs.join('\n')).toContain('TF_SEAL_OPEN_FAILED');
      expect(logs.join('\n')).toContain('Rebuild the site with the TRUEFANS_SECRET the function uses');
    } finally {
      other.cleanup();
    }
  });
});

describe('other paths', () => {
  it('passes public paths to the static files unchanged', async () => {
    const { handle } = handlerOf(fixture, env());
    const response = await handle(request('/posts/hello/'));
    const file = await fixture.assets.fetch('/posts/hello/', request('/posts/hello/'));
    expect(response.status).toBe(200);
    // The static reader's own caching headers, untouched (the Node adapter's: HTML revalidates).
    expect(response.headers.get('cache-control')).toBe(file.headers.get('cache-control'));
    expect(response.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
    expect(response.headers.get('etag')).toBe(file.headers.get('etag'));
    expect(response.headers.get('etag')).not.toBeNull();
    expect(response.headers.get('vary')).toBeNull();
    expect((await handle(request('/nope/'))).status).toBe(404);
  });

  it('passes public paths through even when the function is misconfigured', async () => {
    const { handle } = handlerOf(fixture, { TRUEFANS_SECRET: undefined, STRIPE_SECRET_KEY: undefined });
    expect((await handle(request('/posts/hello/'))).status).toBe(200);
  });

  it('reads the request\'s own page through the platform\'s per-request static call, and every other file through the assets', async () => {
    const { handle } = handlerOf(fixture, env());
    const before = fixture.seen.length;
    const own: string[] = [];
    // As Netlify's adapter passes context.next(): the file the CDN has at this very URL, read here from
    // the built directory so that fixture.seen records only what went through the handler's assets.
    const page = (served?: string): AssetFetcher => ({
      async fetch(path) {
        own.push(path);
        const html = served ?? readFileSync(join(fixture.dir, path, 'index.html'), 'utf8');
        return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } });
      },
    });
    const opened = await handle(request('/posts/winter-tour/', { cookie: await supporter() }), { page: page() });
    expect(await opened.text()).toContain(SECRET_TEXT.members);
    expect(own).toEqual(['/posts/winter-tour/']);
    const passed = await handle(request('/posts/hello/'), { page: page('the platform\'s own file') });
    expect(await passed.text()).toBe('the platform\'s own file');
    expect(own).toEqual(['/posts/winter-tour/', '/posts/hello/']);
    const viaAssets = fixture.seen.slice(before);
    expect(viaAssets).toContain(MANIFEST_PATH);
    expect(viaAssets).not.toContain('/posts/winter-tour/');
    expect(viaAssets).not.toContain('/posts/hello/');
  });
});

describe('misconfiguration', () => {
  it('answers a clear 503 on gated paths and function routes, and logs the variable and the fix once', async () => {
    const { handle, logs } = handlerOf(fixture, { TRUEFANS_SECRET: 'change-me', STRIPE_SECRET_KEY: undefined });
    for (const r of [request('/posts/winter-tour/'), form('/_truefans/checkout', { tier: 'supporter' }), request('/_truefans/account')]) {
      const response = await handle(r);
      const body = await response.text();
      expect(response.status).toBe(503);
      expect(body).toContain('This site is not set up yet');
      expect(body).toContain('<div class="shell">');
      expect(body).not.toMatch(/at \w+ \(|Error:/);
      expectNoSecrets(body);
    }
    expect(logs).toMatchInlineSnapshot(`
      [
        "truefans: TF_ENV_INVALID: TRUEFANS_SECRET is too short (9 characters); it must hold at least 32 random bytes (43 characters of base64url). Make one with: node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))" and set it as TRUEFANS_SECRET in your host's environment (never commit it).",
        "truefans: TF_ENV_INVALID: STRIPE_SECRET_KEY is not set. Copy your secret key (sk_live_... or sk_test_...) from https://dashboard.stripe.com/apikeys into your host's environment.",
      ]
    `);
  });

  it('answers 503 for function routes when the manifest is broken, and says how to fix it', async () => {
    const broken = await buildFixture();
    try {
      broken.write('_truefans/manifest.json', '{"version": 2}');
      const { handle, logs } = handlerOf(broken, env());
      const response = await handle(request('/_truefans/account'));
      expect(response.status).toBe(503);
      expect(logs[0]).toMatch(/^truefans: TF_MANIFEST_INVALID: \/_truefans\/manifest.json does not match this version of truefans \(version: .*\)\. Rebuild the site with `npm run build` and deploy the whole dist\/ folder\.$/);
      // Gated pages hold only sealed text as built, so without a manifest they pass through as teasers.
      expectNoSecrets(await (await handle(request('/posts/winter-tour/', { cookie: await supporter() }))).text());
    } finally {
      broken.cleanup();
    }
  });

  it('checks a page entry of the manifest when first used: a malformed one fails that page closed, the rest of the site works', async () => {
    const fixture = await buildFixture();
    try {
      const manifest = JSON.parse(readFileSync(join(fixture.dir, '_truefans/manifest.json'), 'utf8'));
      manifest.pages['/posts/patrons-only/'] = { post: 'patrons-only', title: 'Demo for patrons' }; // no access
      fixture.write('_truefans/manifest.json', JSON.stringify(manifest));
      const { handle, logs } = handlerOf(fixture, env());
      const cookie = await supporter();
      const open = await handle(request('/posts/winter-tour/', { cookie }));
      expect(open.status).toBe(200);
      expect(await open.text()).toContain(SECRET_TEXT.members);
      const broken = await handle(request('/posts/patrons-only/', { cookie }));
      expect(broken.status).toBe(503);
      expectNoSecrets(await broken.text());
      expect(logs.join('\n')).toMatch(/TF_MANIFEST_INVALID: \/_truefans\/manifest.json does not match this version of truefans \(pages\.\/posts\/patrons-only\/: /);
    } finally {
      fixture.cleanup();
    }
  });

  it('falls back to a built-in page when the shell is missing', async () => {
    const bare = await buildFixture();
    try {
      bare.write('truefans-shell/index.html', 'no placeholders here');
      const { handle } = handlerOf(bare, { STRIPE_SECRET_KEY: undefined });
      const body = await (await handle(request('/_truefans/account'))).text();
      expect(body).toContain('<title>This site is not set up yet</title>');
    } finally {
      bare.cleanup();
    }
  });
});

describe('hardening', () => {
  it.each(['/_truefans/checkout', '/_truefans/signin', '/_truefans/signin/confirm', '/_truefans/signout', '/_truefans/portal'])(
    'refuses a foreign Origin on POST %s with 403',
    async (path) => {
      const { handle } = handlerOf(fixture, env());
      for (const origin of ['https://evil.example', 'null']) {
        const response = await handle(form(path, { tier: 'supporter', interval: 'month', email: 'a@b.example', token: 'x' }, { origin, cookie: await supporter() }));
        expect(response.status).toBe(403);
        expect(response.headers.getSetCookie()).toEqual([]);
        expect(response.headers.get('location')).toBeNull();
        expectNoSecrets(await response.text());
      }
      const crossSite = await handle(form(path, {}, { origin: null, headers: { 'sec-fetch-site': 'cross-site' } }));
      expect(crossSite.status).toBe(403);
    },
  );

  it('accepts its own no-referrer pages\' forms: Origin null with Sec-Fetch-Site same-origin', async () => {
    // A page served with Referrer-Policy: no-referrer (the sign-in confirm page) makes a browser send
    // `Origin: null` for its own forms, with Sec-Fetch-Site: same-origin.
    const { handle } = handlerOf(fixture, env());
    const response = await handle(form('/_truefans/signout', {}, { origin: 'null', cookie: await supporter(), headers: { 'sec-fetch-site': 'same-origin' } }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/_truefans/signout');
  });

  it('signs out with a 303 to the "You\'re signed out" page and cleared cookies (session and member hint)', async () => {
    const { handle } = handlerOf(fixture, env());
    const response = await handle(form('/_truefans/signout', {}, { cookie: await supporter() }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/_truefans/signout');
    expect(response.headers.getSetCookie()).toEqual([
      '__Host-truefans=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure',
      '__Host-truefans-member=; Path=/; SameSite=Lax; Max-Age=0; Secure',
    ]);
    const after = await (await handle(request('/_truefans/signout'))).text();
    expect(after).toContain('You’re signed out');
    // Still signed in (the cookie came back): the page asks, it does not claim.
    const asked = await (await handle(request('/_truefans/signout', { cookie: await supporter() }))).text();
    expect(asked).not.toContain('You’re signed out');
    expect(asked).toContain('action="/_truefans/signout"');
  });

  it('uses plain cookie names without Secure on http://localhost only', async () => {
    // SITE_URL is the local origin here: with SITE_URL set, only its origin passes the Origin check.
    const { handle } = handlerOf(fixture, { ...env(), SITE_URL: 'http://localhost:4321' });
    const local = await handle(new Request('http://localhost:4321/_truefans/signout', { method: 'POST', headers: { origin: 'http://localhost:4321' } }));
    expect(local.headers.getSetCookie()).toEqual(['truefans=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0', 'truefans-member=; Path=/; SameSite=Lax; Max-Age=0']);
  });

  it('sends a fan with no cookie from the portal to sign-in', async () => {
    const { handle } = handlerOf(fixture, env());
    const response = await handle(form('/_truefans/portal', {}));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/_truefans/signin?return_to=%2F_truefans%2Faccount');
  });

  it('answers 405 for the wrong method on a function route', async () => {
    const { handle } = handlerOf(fixture, env());
    const response = await handle(request('/_truefans/checkout'));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers 405 for the wrong method on the asset route before the route runs (it serves GET and HEAD only)', async () => {
    const { handle } = handlerOf(fixture, env());
    const response = await handle(request('/_truefans/asset/a1/recordings.zip', { method: 'POST', body: 'x' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(response.headers.get('cache-control')).toContain('private');
  });
});

describe('functionPaths', () => {
  it('lists the function\'s routes, the pages it tailors and every gated page, for adapters that route selectively', () => {
    expect(functionPaths(fixture.manifest)).toEqual([
      '/_truefans/checkout',
      '/_truefans/checkout/complete',
      '/_truefans/signin',
      '/_truefans/signin/confirm',
      '/_truefans/signout',
      '/_truefans/portal',
      '/_truefans/account',
      '/_truefans/plan',
      '/_truefans/plan/done',
      '/_truefans/feed-reset',
      '/_truefans/follow',
      '/_truefans/follow/confirm',
      '/_truefans/unsubscribe',
      '/_truefans/post-emails',
      '/_truefans/webhook',
      '/_truefans/fans.svg',
      '/_truefans/digest',
      '/_truefans/wall',
      '/supporters',
      '/_truefans/gift',
      '/_truefans/gift/redeem',
      '/_truefans/gift/claim',
      '/_truefans/gift/deliver',
      '/_truefans/letter',
      '/supporters/',
      '/_truefans/feed/*',
      '/_truefans/asset/*',
      '/membership/',
      '/posts/winter-tour/',
      '/posts/patrons-only/',
      '/posts/album-notes/',
    ]);
  });
});
