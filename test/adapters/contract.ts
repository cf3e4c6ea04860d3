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

    it('leaves public pages plain static files, shared-cacheable and without the function\'s cookie handling', async () => {
      const res = await get(site.public.path, { headers: { cookie: member } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(site.public.text);
      expect(res.headers.get('cache-control') ?? '').not.toMatch(/private|no-store/);
      expect(res.headers.getSetCookie()).toEqual([]);
    });
  });
}
