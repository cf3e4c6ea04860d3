// The adapter contract: one list of requests and expectations, identical for every platform, run against
// each adapter in its real runtime over HTTP on 127.0.0.1. The runtime talks to the local Stripe stand-in
// and the outbox over 127.0.0.1 too. The member's cookie is earned the real way: a checkout started on the
// runtime, paid with the test card on the stand-in's hosted page, completed back on the runtime.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime, StartRuntime } from './runtimes/runtime.ts';
import { postForm, setCookies, signInToken, subscribe } from './support/fan.ts';
import type { Services } from './support/services.ts';
import { WEBHOOK_SECRET } from './support/services.ts';
import type { Site } from './support/site.ts';
import { chunkedUpload, type UploadResult } from './support/upload.ts';
import { readdirSync } from 'node:fs';
import path from 'node:path';

export interface ContractSetup {
  site: Site;
  services: Services;
}

function expectNone(body: string, secrets: readonly string[]) {
  for (const secret of secrets) expect(body, `members-only text "${secret}" in an answer to a non-member`).not.toContain(secret);
}

/** Registers the contract for one runtime. `setup` is read when the runtime starts, after beforeAll ran. */
export function defineContract(name: string, start: StartRuntime, setup: () => ContractSetup) {
  describe(`adapter contract on ${name}`, () => {
    let runtime: Runtime;
    let site: Site;
    let services: Services;
    /** `truefans=<jwt>`, once a checkout has completed on this runtime. */
    let member = '';
    const email = `fan.${name.replace(/\W+/g, '-')}@example.com`;

    const get = (path: string, init: RequestInit = {}) => fetch(`${runtime.url}${path}`, { redirect: 'manual', ...init });
    const post = (path: string, fields: Record<string, string>) => postForm(runtime.url, path, fields);

    beforeAll(async () => {
      ({ site, services } = setup());
      runtime = await start(site, { ...services.env, TRUEFANS_SECRET: site.secret });
    }, 60_000);

    afterAll(async () => {
      await runtime?.stop();
    });

    it('shows an anonymous visitor the teaser of a gated page, privately, and no members-only text', async () => {
      const res = await get(site.gated.path);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain(site.gated.teaser);
      expectNone(body, site.secrets);
      expect(res.headers.get('cache-control')).toMatch(/\bprivate\b/);
      expect(res.headers.get('vary') ?? '').toMatch(/\bcookie\b/i);
    });

    it('starts a checkout with a 303 to the stand-in\'s hosted checkout page', async () => {
      const res = await post('/_truefans/checkout', { tier: 'supporter', interval: 'month', return_to: site.gated.path });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(new RegExp(`^${services.standIn.url}/c/pay/cs_`));
      expect(setCookies(res).get('truefans-checkout')).toMatch(/.{16,}/);
    });

    it('completes a paid checkout into a member session that opens the gated page, never cached', async () => {
      const checkout = await subscribe(runtime.url, email, site.gated.path);
      // Joined from the gated page: straight back to it (the welcome page is for other cases).
      expect(checkout.completed.status).toBe(303);
      expect(checkout.completed.headers.get('location')).toBe(site.gated.path);
      expect(checkout.cookie).toMatch(/^truefans=[\w-]+\.[\w-]+\.[\w-]+$/);
      member = checkout.cookie;

      const res = await get(site.gated.path, { headers: { cookie: member } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(site.gated.secretText);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(res.headers.get('vary') ?? '').toMatch(/\bcookie\b/i);
    });

    it('serves a sealed asset opened to the member only, never cached', async () => {
      const anonymous = await get(site.gated.asset);
      expect(anonymous.status).not.toBe(200);
      expectNone(await anonymous.text(), site.secrets);
      const res = await get(site.gated.asset, { headers: { cookie: member } });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(new Uint8Array(await res.arrayBuffer()).length).toBeGreaterThan(0);
    });

    it('streams a sealed recording to the member by byte range (start, middle, end, If-Range, 416) and gives others no bytes', async () => {
      const media = site.media;
      if (!media) return;
      const plain = Buffer.from(media.bytes);
      const length = plain.length;
      const ranged = (range: string, extra: Record<string, string> = {}) => get(media.path, { headers: { cookie: member, range, ...extra } });
      const cases: [string, number, number][] = [
        ['bytes=0-1023', 0, 1023],
        [`bytes=${65_536 - 100}-${65_536 + 100}`, 65_536 - 100, 65_536 + 100],
        [`bytes=${length - 2000}-`, length - 2000, length - 1],
      ];
      let etag = '';
      for (const [range, start, end] of cases) {
        const res = await ranged(range);
        expect(res.status, range).toBe(206);
        expect(res.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${length}`);
        expect(res.headers.get('accept-ranges'), range).toBe('bytes');
        expect(res.headers.get('cache-control'), range).toBe('private, no-store');
        expect(Buffer.from(await res.arrayBuffer()).equals(plain.subarray(start, end + 1)), range).toBe(true);
        etag = res.headers.get('etag') ?? '';
      }
      const same = await ranged('bytes=100-199', { 'if-range': etag });
      expect(same.status).toBe(206);
      expect(Buffer.from(await same.arrayBuffer()).equals(plain.subarray(100, 200))).toBe(true);
      const stale = await ranged('bytes=100-199', { 'if-range': '"another-build"' });
      expect(stale.status).toBe(200);
      expect(Buffer.from(await stale.arrayBuffer()).equals(plain)).toBe(true);
      const past = await ranged(`bytes=${length}-`);
      expect(past.status).toBe(416);
      expect(past.headers.get('content-range')).toBe(`bytes */${length}`);
      await past.arrayBuffer();

      // A changed chunk is an error, never other bytes.
      const tampered = await get(media.tampered, { headers: { cookie: member, range: 'bytes=0-99' } });
      expect(tampered.status).toBe(503);
      expect(tampered.headers.get('content-range')).toBeNull();
      await tampered.arrayBuffer();

      const anonymous = await get(media.path, { headers: { range: 'bytes=0-' } });
      expect(anonymous.status).toBe(403);
      expect(Buffer.from(await anonymous.arrayBuffer()).includes(plain.subarray(1000, 1064))).toBe(false);
    });

    it('accepts a correctly signed webhook and refuses a bad signature', async () => {
      const payload = JSON.stringify({ id: `evt_contract_${Date.now()}`, object: 'event', type: 'customer.created', api_version: '2026-01-01', created: Math.floor(Date.now() / 1000), data: { object: { id: 'cus_contract', object: 'customer' } } });
      const good = services.stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
      const ok = await fetch(`${runtime.url}/_truefans/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': good }, body: payload });
      expect(ok.status).toBe(200);
      const bad = services.stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_not_this_sites_secret' });
      const refused = await fetch(`${runtime.url}/_truefans/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': bad }, body: payload });
      expect(refused.status).toBe(400);
      const tampered = await fetch(`${runtime.url}/_truefans/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': good }, body: payload.replace('cus_contract', 'cus_tampered') });
      expect(tampered.status).toBe(400);
    });

    it('answers a member\'s and a stranger\'s email alike; the link sets no cookie on GET and signs in on POST', async () => {
      const { answer: known, token, link } = await signInToken(runtime.url, services, email, site.gated.path);
      const unknown = await post('/_truefans/signin', { email: `nobody.${Date.now()}@example.com`, return_to: site.gated.path });
      expect(known.status).toBe(200);
      expect(unknown.status).toBe(known.status);
      expect(await unknown.text()).toBe(await known.text());
      expect(known.headers.getSetCookie()).toEqual([]);
      expect(known.headers.get('referrer-policy')).toBe('no-referrer');

      const opened = await get(`${new URL(link).pathname}${new URL(link).search}`);
      expect(opened.status).toBe(200);
      expect(opened.headers.getSetCookie()).toEqual([]);
      expect(opened.headers.get('referrer-policy')).toBe('no-referrer');
      expect(await opened.text()).toMatch(/<form[^>]+method="post"/i);

      const confirmed = await post('/_truefans/signin/confirm', { token });
      expect(confirmed.status).toBe(303);
      expect(confirmed.headers.get('location')).toBe(site.gated.path);
      const session = setCookies(confirmed).get('truefans');
      expect(session).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      const page = await get(site.gated.path, { headers: { cookie: `truefans=${session}` } });
      expect(await page.text()).toContain(site.gated.secretText);
    });

    it('keeps every spelling of a gated path closed to an anonymous visitor', async () => {
      const path = site.gated.path;
      const slug = path.split('/').filter(Boolean).pop()!;
      const hex = slug.charCodeAt(0).toString(16);
      const variants = [
        path.slice(0, -1),
        `${path}index.html`,
        path.toUpperCase(),
        `${path.toUpperCase()}INDEX.HTML`,
        path.replace(slug, `%${hex}${slug.slice(1)}`),
        path.replace(slug, `%25${hex}${slug.slice(1)}`),
        `${path.slice(0, -1)}.html`,
        `${path}.`,
        `/posts/../${path.slice(1)}`,
        path.replace(/\//g, '//'),
      ];
      for (const variant of variants) {
        const res = await get(variant);
        expect(res.status, `${variant} answered ${res.status}`).toBeLessThan(500);
        expectNone(await res.text(), site.secrets);
      }
      // And a member is not locked out by the slash-less spelling a link might use.
      const member301 = await get(site.gated.path.slice(0, -1), { headers: { cookie: member } });
      const body = [301, 302, 307, 308].includes(member301.status) ? '' : await member301.text();
      expect([200, 301, 302, 307, 308]).toContain(member301.status);
      if (member301.status === 200) expect(body).toContain(site.gated.secretText);
    });

    it('never answers a redirect to another host, whatever the path', async () => {
      const publicDir = site.public.path.slice(0, -1);
      const gatedDir = site.gated.path.slice(0, -1);
      const paths = [
        '//evil.example',
        '//evil.example/',
        `//evil.example${publicDir}`,
        '/\\evil.example',
        '/%5Cevil.example',
        '/%2F%2Fevil.example',
        '/%2F%2Fevil.example/',
        '/%09/evil.example',
        '/%0d%0a/evil.example',
        `/${gatedDir}`,
        `//${gatedDir}`,
        `/${publicDir}/../..//evil.example`,
        '//_truefans/account',
        '/_truefans/signin/',
      ];
      for (const p of paths) {
        const res = await get(p);
        expect(res.status, p).toBeLessThan(500);
        const location = res.headers.get('location');
        if (location === null) continue;
        expect(location, `${p} -> ${location}`).not.toMatch(/^\s*[/\\]{2}|^\s*\/\\|^[a-z][\w+.-]*:/i);
        expect(new URL(location, runtime.url).origin, `${p} -> ${location}`).toBe(new URL(runtime.url).origin);
      }
      const out = await post('/_truefans/signout', {});
      expect(out.status).toBe(303);
      expect(out.headers.get('location')).toBe('/_truefans/signout');
    });

    // Sizes just over the caps: how far a runtime reads before answering is proven in the core (body.test.ts)
    // and measured on Node (test/adapters/node/body-memory.test.ts); here, that the cap holds everywhere.
    it('stops a chunked form upload at the form cap with a 413, and a webhook at 1 MB', async () => {
      const MB = 1024 * 1024;
      // Node closes a connection whose upload it stopped reading right after its 413; a client still
      // writing may then see the reset before the answer (more often on a loaded machine). Either way the
      // server refused the upload (how little a server reads is measured in body.test.ts and body-memory.test.ts).
      const stopped = (r: UploadResult) => (r.status === 0 ? name === 'node' && r.cut !== undefined : r.status === 413);
      const form = await chunkedUpload(`${runtime.url}/_truefans/signin`, 128 * 1024, { origin: runtime.url });
      expect(stopped(form), `form: ${form.status} after ${form.sent} bytes`).toBe(true);
      if (form.status !== 0) expect(form.body).toContain('That request is too large');
      const hook = await chunkedUpload(`${runtime.url}/_truefans/webhook`, 1.25 * MB, { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' });
      expect(stopped(hook), `webhook: ${hook.status} after ${hook.sent} bytes`).toBe(true);
      // A small form still works after (no cap shared between requests).
      const ok = await post('/_truefans/signin', { email: 'not-an-email', return_to: '/' });
      expect(ok.status).toBe(400);
    }, 30_000);

    it('leaves public pages plain static files, shared-cacheable and without the function\'s cookie handling', async () => {
      const res = await get(site.public.path, { headers: { cookie: member } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(site.public.text);
      expect(res.headers.get('cache-control') ?? '').not.toMatch(/private|no-store/);
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it('puts the security headers on every kind of answer: public, teaser, opened, function pages, 404, assets', async () => {
      const css = readdirSync(path.join(site.dist, '_astro')).find((f) => f.endsWith('.css'));
      const answers: [string, Response][] = [
        ['public page', await get(site.public.path)],
        ['gated teaser', await get(site.gated.path)],
        ['gated opened', await get(site.gated.path, { headers: { cookie: member } })],
        ['sealed asset opened', await get(site.gated.asset, { headers: { cookie: member } })],
        ['sign-in page', await get('/_truefans/signin')],
        ['account page', await get('/_truefans/account', { headers: { cookie: member } })],
        ['function problem page', await post('/_truefans/checkout', { tier: 'no-such-tier', interval: 'month' })],
        ['404', await get('/no-such-page/')],
        ...(css ? [['stylesheet', await get(`/_astro/${css}`)] as [string, Response]] : []),
      ];
      for (const [what, res] of answers) {
        const h = (name: string) => res.headers.get(name) ?? '';
        expect(h('content-security-policy'), what).toMatch(/frame-ancestors 'none'/);
        expect(h('content-security-policy'), what).not.toMatch(/unsafe-inline|unsafe-eval/);
        expect(h('content-security-policy'), what).toMatch(/default-src '(self|none)'/);
        expect(h('x-content-type-options'), what).toBe('nosniff');
        expect(h('referrer-policy'), what).toMatch(/^(same-origin|no-referrer|strict-origin-when-cross-origin)$/);
        expect(h('permissions-policy'), what).toMatch(/camera=\(\)/);
        expect(h('x-frame-options'), what).toBe('DENY');
        await res.arrayBuffer().catch(() => undefined);
      }
      // The account page's forms must send a real Origin, so it keeps same-origin.
      expect(answers.find(([w]) => w === 'account page')![1].headers.get('referrer-policy')).toBe('same-origin');
    });
  });
}
