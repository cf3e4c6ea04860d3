// Gifts emailed on a date, delivered by each platform's own scheduler: the daily cron each platform's files
// carry (only when site.yaml has gifts on), the Cloudflare Worker's scheduled() handler run in workerd with
// that cron, the emitted Netlify Scheduled Function calling the delivery route of a running site, Vercel's
// GET with CRON_SECRET, and the Node adapter's timer: each due gift emailed once however often they fire.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronTriggers } from '../../src/adapters/cloudflare/emit.ts';
import { startNodeServer } from '../../src/adapters/node/server.ts';
import { createDistAssets } from '../../src/adapters/node/static-files.ts';
import { createStripeBilling } from '../../src/billing/stripe/index.ts';
import { GIFT_DELIVERY_CRON } from '../../src/core/gifts/rules.ts';
import { GIFT_KIND, GIFT_META } from '../../src/core/gifts/rules.ts';
import { createScheduledGifts } from '../../src/core/scheduled-gifts.ts';
import { payOnHostedPage } from '../core/helpers/stand-in.ts';
import { startCloudflare } from './runtimes/cloudflare.ts';
import { startServices, type Services } from './support/services.ts';
import { fixtureSite, type Site } from './support/site.ts';

const CRON_SECRET = 'cron-secret-for-the-gift-delivery-0123';
const DIGEST_CRON = '30 17 * * 5';

let on: Site;
let off: Site;
let both: Site;
let services: Services;

beforeAll(async () => {
  [on, off, both] = await Promise.all([fixtureSite({ gifts: [1, 12] }), fixtureSite(), fixtureSite({ gifts: [1, 12], weeklyDigest: 'friday 17:30' })]);
  services = await startServices(on.manifest);
}, 120_000);

afterAll(async () => {
  await services?.close();
  for (const site of [on, off, both]) site?.cleanup();
});

const env = () => ({ ...services.env, TRUEFANS_SECRET: on.secret, CRON_SECRET });
const today = () => new Date().toISOString().slice(0, 10);
const deliveries = (to: string) => services.outbox.emails.filter((e) => e.kind === 'gift' && e.to === to);

/** A paid gift checkout as the gift route makes it, to be emailed to `to` today (the stand-in runs on real time). */
async function dueGift(to: string): Promise<string> {
  const session = await services.stripe.checkout.sessions.create({
    mode: 'payment',
    success_url: 'https://mira.example/_truefans/checkout/complete?session_id={CHECKOUT_SESSION_ID}',
    line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 5000, product_data: { name: 'Gift: 1 year of Supporter' } } }],
    metadata: { truefans_kind: GIFT_KIND, [GIFT_META.tier]: 'supporter', [GIFT_META.months]: '12', [GIFT_META.deliverTo]: to, [GIFT_META.deliverOn]: today() },
  });
  expect((await payOnHostedPage(session.url!, '4242 4242 4242 4242', 'buyer@example.com')).status).toBe(303);
  return session.id;
}

describe('each platform\'s scheduler config for gift delivery', () => {
  const json = (site: Site, file: string) => JSON.parse(readFileSync(path.join(site.root, file), 'utf8'));
  const netlifyGifts = (site: Site) => path.join(site.root, '.netlify/v1/functions/truefans-gifts.mjs');

  it('Cloudflare: triggers.crons holds the daily cron when gifts are on, beside the digest\'s, and none when off', () => {
    expect(json(on, '.truefans/cloudflare/wrangler.json').triggers).toEqual({ crons: [GIFT_DELIVERY_CRON] });
    expect(json(both, '.truefans/cloudflare/wrangler.json').triggers).toEqual({ crons: [DIGEST_CRON, GIFT_DELIVERY_CRON] });
    expect(json(off, '.truefans/cloudflare/wrangler.json')).not.toHaveProperty('triggers');
    expect(cronTriggers(on.manifest, { crons: [GIFT_DELIVERY_CRON] })).toEqual({ crons: [GIFT_DELIVERY_CRON] });
  });

  it('Netlify: a daily scheduled function when gifts are on, and none when off', async () => {
    const mod = await import(pathToFileURL(netlifyGifts(on)).href);
    expect(mod.config).toEqual({ schedule: GIFT_DELIVERY_CRON });
    expect(typeof mod.default).toBe('function');
    expect(existsSync(netlifyGifts(off))).toBe(false);
    expect(existsSync(path.join(on.root, '.netlify/v1/functions/truefans-digest.mjs'))).toBe(false);
  });

  it('Vercel: crons call the delivery route daily when gifts are on, beside the digest, and none when off', () => {
    expect(json(on, '.vercel/output/config.json').crons).toEqual([{ path: '/_truefans/gift/deliver', schedule: GIFT_DELIVERY_CRON }]);
    expect(json(both, '.vercel/output/config.json').crons).toEqual([
      { path: '/_truefans/digest', schedule: DIGEST_CRON },
      { path: '/_truefans/gift/deliver', schedule: GIFT_DELIVERY_CRON },
    ]);
    expect(json(off, '.vercel/output/config.json')).not.toHaveProperty('crons');
  });
});

describe('gift delivery run by each scheduler', () => {
  it('Cloudflare: workerd runs scheduled() with the daily cron, which emails a due gift once however often it fires', async () => {
    await dueGift('cf@friends.example');
    const runtime = await startCloudflare(on, env());
    try {
      await runtime.scheduled!(GIFT_DELIVERY_CRON);
      expect(deliveries('cf@friends.example')).toHaveLength(1);
      expect(deliveries('cf@friends.example')[0]!.text).toContain('/_truefans/gift/redeem?token=');
      await runtime.scheduled!(GIFT_DELIVERY_CRON);
      expect(deliveries('cf@friends.example')).toHaveLength(1);
    } finally {
      await runtime.stop();
    }
  }, 120_000);

  it('Netlify: the emitted scheduled function POSTs the site\'s delivery route with CRON_SECRET; Vercel\'s GET needs it too', async () => {
    // A node server far in the past: its own timer runs, but nothing is due on its day.
    const server = await startNodeServer({ distDir: on.dist, port: 0, env: env(), now: () => Date.UTC(2020, 0, 1) });
    const saved = process.env.SITE_URL;
    const savedSecret = process.env.CRON_SECRET;
    try {
      const session = await dueGift('nf@friends.example');
      // A POST without the secret, as anyone could send: refused, nothing sent.
      expect((await fetch(`${server.url}/_truefans/gift/deliver`, { method: 'POST' })).status).toBe(401);
      // Vercel Cron's GET: refused without the secret, nothing sent.
      expect((await fetch(`${server.url}/_truefans/gift/deliver`)).status).toBe(401);
      expect((await fetch(`${server.url}/_truefans/gift/deliver`, { headers: { authorization: 'Bearer wrong-secret-wrong-secret' } })).status).toBe(401);
      expect(deliveries('nf@friends.example')).toHaveLength(0);
      // The route decides "due" on its own clock, so the function is pointed at a server on today's.
      await server.close();
      const live = await startNodeServer({ distDir: on.dist, port: 0, env: env(), digestCheckMs: 3_600_000 });
      try {
        await services.outbox.waitFor('nf@friends.example', 'gift'); // its timer delivers at start
        await services.stripe.checkout.sessions.update(session, { metadata: { [GIFT_META.delivered]: '' } });
        process.env.SITE_URL = live.url;
        delete process.env.CRON_SECRET;
        const { default: deliverGifts } = await import(pathToFileURL(path.join(on.root, '.netlify/v1/functions/truefans-gifts.mjs')).href);
        // Without CRON_SECRET in Netlify's environment the function says so and sends nothing.
        const unset: Response = await deliverGifts();
        expect(unset.status).toBe(500);
        process.env.CRON_SECRET = CRON_SECRET;
        const first: Response = await deliverGifts();
        expect(first.status).toBe(200);
        expect(await first.text()).toBe('Delivered 1 gift.\n');
        expect(await (await deliverGifts()).text()).toBe('Delivered 0 gifts.\n');
        expect(deliveries('nf@friends.example')).toHaveLength(2);
        await services.stripe.checkout.sessions.update(session, { metadata: { [GIFT_META.delivered]: '' } });
        const vercel = await fetch(`${live.url}/_truefans/gift/deliver`, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
        expect(await vercel.text()).toBe('Delivered 1 gift.');
        expect(deliveries('nf@friends.example')).toHaveLength(3);
      } finally {
        await live.close();
      }
    } finally {
      if (saved === undefined) delete process.env.SITE_URL;
      else process.env.SITE_URL = saved;
      if (savedSecret === undefined) delete process.env.CRON_SECRET;
      else process.env.CRON_SECRET = savedSecret;
      await server.close().catch(() => undefined);
    }
  }, 60_000);

  it('Node: the timer delivers a due gift once a day, and nothing before its day', async () => {
    let now = Date.now() - 86_400_000; // yesterday: the gift is not due yet
    await dueGift('node@friends.example');
    const server = await startNodeServer({ distDir: on.dist, port: 0, env: env(), now: () => now, digestCheckMs: 25 });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(deliveries('node@friends.example')).toHaveLength(0);
      now = Date.now();
      await services.outbox.waitFor('node@friends.example', 'gift');
      await new Promise((r) => setTimeout(r, 300));
      expect(deliveries('node@friends.example')).toHaveLength(1);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('the core\'s scheduled run is off without gifts, and sends nothing', async () => {
    const gifts = createScheduledGifts({ env: env(), billing: createStripeBilling, assets: createDistAssets(off.dist) });
    expect(await gifts.on('http://127.0.0.1')).toBe(false);
    expect(await gifts.run('http://127.0.0.1')).toBe('off');
  });
});
