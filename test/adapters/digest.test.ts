// The weekly digest on each platform's own scheduler: the cron each platform's files carry (only when
// site.yaml says weekly_digest: true), the Cloudflare Worker's scheduled() handler run in workerd, the
// emitted Netlify Scheduled Function calling the digest route of a running site, and the Node adapter's
// timer on an injected clock: one digest a week however often it checks, and none after close().

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cronTriggers } from '../../src/adapters/cloudflare/emit.ts';
import { startNodeServer } from '../../src/adapters/node/server.ts';
import { createDistAssets } from '../../src/adapters/node/static-files.ts';
import { createStripeBilling } from '../../src/billing/stripe/index.ts';
import { DIGEST_MARK } from '../../src/billing/stripe/digest.ts';
import { PORTAL_METADATA_KEY } from '../../src/billing/stripe/portal.ts';
import { digestCron, dueThisWeek, parseDigestAt } from '../../src/core/digest-schedule.ts';
import { createScheduledDigest } from '../../src/core/scheduled.ts';
import { ContentError, parseSite } from '../../src/config/parse.ts';
import { startCloudflare } from './runtimes/cloudflare.ts';
import { startServices, type Services } from './support/services.ts';
import { fixtureSite, type Site } from './support/site.ts';

const AT = 'friday 17:30';
const CRON = '30 17 * * 5';
const CRON_SECRET = 'cron-secret-for-the-adapter-digest-0123';
const CREATOR = 'mira@mira.example';
const FRIDAY_1700 = Date.UTC(2026, 10, 27, 17, 0);
const MONDAY = Date.UTC(2026, 10, 23, 10, 0);
const WEEK = 7 * 86_400_000;

let on: Site;
let off: Site;
let services: Services;
let portal: string;

beforeAll(async () => {
  [on, off] = await Promise.all([fixtureSite({ weeklyDigest: AT }), fixtureSite()]);
  services = await startServices(on.manifest);
  // As `npm run stripe:sync` makes it: the configuration the digest keeps its once-a-week mark on.
  portal = (await services.stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } }, metadata: { [PORTAL_METADATA_KEY]: on.manifest.site.url } })).id;
}, 120_000);

afterAll(async () => {
  await services?.close();
  on?.cleanup();
  off?.cleanup();
});

beforeEach(async () => {
  // Each test starts from a week with no digest sent (an empty value unsets a metadata key, as on Stripe).
  await services.stripe.billingPortal.configurations.update(portal, { metadata: { [DIGEST_MARK]: '' } });
  services.outbox.emails.length = 0;
});

const digests = () => services.outbox.emails.filter((e) => e.kind === 'weekly-digest');
const env = () => ({ ...services.env, TRUEFANS_SECRET: on.secret, CREATOR_EMAIL: CREATOR, CRON_SECRET });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the weekly digest schedule', () => {
  it('turns weekly_digest_at into one UTC cron and this week\'s due moment', () => {
    expect(digestCron(parseDigestAt('monday 08:00'))).toBe('0 8 * * 1');
    expect(digestCron(parseDigestAt('Sunday 23:05'))).toBe('5 23 * * 0');
    expect(digestCron(parseDigestAt(AT))).toBe(CRON);
    expect(digestCron(parseDigestAt(undefined))).toBe('0 8 * * 1');
    // Due on Friday 17:30 of the ISO week that holds the moment, Monday to Sunday.
    expect(new Date(dueThisWeek(parseDigestAt(AT), MONDAY)).toISOString()).toBe('2026-11-27T17:30:00.000Z');
    expect(new Date(dueThisWeek(parseDigestAt(AT), Date.UTC(2026, 10, 29, 23, 59))).toISOString()).toBe('2026-11-27T17:30:00.000Z');
    expect(new Date(dueThisWeek(parseDigestAt('monday 08:00'), Date.UTC(2026, 10, 30, 0, 0))).toISOString()).toBe('2026-11-30T08:00:00.000Z');
  });

  it('reads weekly_digest_at from site.yaml in any letter case, and refuses anything else with the form to use', () => {
    const yaml = 'title: Mira\nurl: https://mira.example\nauthor: { name: Mira }\nweekly_digest: true\n';
    expect(parseSite(yaml).weekly_digest_at).toBe('monday 08:00');
    expect(parseSite(`${yaml}weekly_digest_at: Friday 17:30\n`).weekly_digest_at).toBe(AT);
    for (const bad of ['mon 8am', 'friday 24:00', 'friday 7:30', '"1 08:00"']) {
      const problems = (() => {
        try {
          parseSite(`${yaml}weekly_digest_at: ${bad}\n`);
        } catch (error) {
          if (error instanceof ContentError) return error.problems.join('\n');
          throw error;
        }
        return 'parsed';
      })();
      expect(problems, bad).toMatch(/^content\/site\.yaml: weekly_digest_at: expected a weekday and a time in UTC, like "monday 08:00" or "friday 17:30"/);
    }
  });
});

describe('each platform\'s scheduler config', () => {
  const json = (site: Site, file: string) => JSON.parse(readFileSync(path.join(site.root, file), 'utf8'));
  const netlifyDigest = (site: Site) => path.join(site.root, '.netlify/v1/functions/truefans-digest.mjs');

  it('Cloudflare: triggers.crons holds the digest\'s cron when on, and there are no triggers when off', () => {
    expect(json(on, '.truefans/cloudflare/wrangler.json').triggers).toEqual({ crons: [CRON] });
    expect(json(off, '.truefans/cloudflare/wrangler.json')).not.toHaveProperty('triggers');
    // The creator's own triggers in wrangler.jsonc are kept beside it, and untouched when the digest is off.
    expect(cronTriggers(on.manifest, { crons: ['0 0 * * *'] })).toEqual({ crons: ['0 0 * * *', CRON] });
    expect(cronTriggers(on.manifest, { crons: [CRON] })).toEqual({ crons: [CRON] });
    expect(cronTriggers(off.manifest, { crons: ['0 0 * * *'] })).toEqual({ crons: ['0 0 * * *'] });
    expect(cronTriggers(off.manifest, undefined)).toBeUndefined();
  });

  it('Netlify: a scheduled function beside the edge function when on, with the cron as its config, and none when off', async () => {
    expect(existsSync(path.join(on.root, '.netlify/v1/edge-functions/truefans.js'))).toBe(true);
    const mod = await import(pathToFileURL(netlifyDigest(on)).href);
    expect(mod.config).toEqual({ schedule: CRON });
    expect(typeof mod.default).toBe('function');
    expect(existsSync(netlifyDigest(off))).toBe(false);
  });

  it('Vercel: crons in the Build Output config call the digest route when on, and there are none when off', () => {
    expect(json(on, '.vercel/output/config.json').crons).toEqual([{ path: '/_truefans/digest', schedule: CRON }]);
    expect(json(off, '.vercel/output/config.json')).not.toHaveProperty('crons');
  });
});

describe('the digest run by each scheduler', () => {
  it('Cloudflare: workerd runs the Worker\'s scheduled() handler, which sends one digest a week however often it fires', async () => {
    const runtime = await startCloudflare(on, env());
    try {
      await runtime.scheduled!(CRON);
      expect(digests()).toHaveLength(1);
      expect(digests()[0]).toMatchObject({ to: CREATOR, kind: 'weekly-digest' });
      expect(digests()[0]!.subject).toMatch(/^Mira Lune: \d+ new fans?, \d+ lost this week$/);
      await runtime.scheduled!(CRON);
      expect(digests()).toHaveLength(1);
    } finally {
      await runtime.stop();
    }
  }, 120_000);

  it('Netlify: the emitted scheduled function calls the site\'s digest route with CRON_SECRET, once a week', async () => {
    // The site, served with the same core, on a Monday: its own timer is not due, so only the function sends.
    const server = await startNodeServer({ distDir: on.dist, port: 0, env: env(), now: () => MONDAY });
    const saved = { SITE_URL: process.env.SITE_URL, CRON_SECRET: process.env.CRON_SECRET };
    try {
      const { default: weeklyDigest } = await import(pathToFileURL(path.join(on.root, '.netlify/v1/functions/truefans-digest.mjs')).href);
      process.env.CRON_SECRET = CRON_SECRET;
      process.env.SITE_URL = server.url;
      const first: Response = await weeklyDigest();
      expect(first.status).toBe(200);
      expect(await first.text()).toBe('sent\n');
      expect(await (await weeklyDigest()).text()).toBe('already-sent\n');
      expect(digests()).toHaveLength(1);
      // A wrong secret reaches the route and is refused there; nothing is sent.
      await services.stripe.billingPortal.configurations.update(portal, { metadata: { [DIGEST_MARK]: '' } });
      process.env.CRON_SECRET = `${CRON_SECRET}-wrong`;
      expect((await weeklyDigest()).status).toBe(502);
      delete process.env.CRON_SECRET;
      expect((await weeklyDigest()).status).toBe(500);
      expect(digests()).toHaveLength(1);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await server.close();
    }
  }, 60_000);

  it('Node: the timer sends nothing before the time, then exactly one digest that week, one the next, and none after close()', async () => {
    let now = FRIDAY_1700;
    const server = await startNodeServer({ distDir: on.dist, port: 0, env: env(), now: () => now, digestCheckMs: 25 });
    let closed = false;
    try {
      await pause(300);
      expect(digests()).toHaveLength(0);
      now = FRIDAY_1700 + 31 * 60_000; // 17:31, past the digest time
      await services.outbox.waitFor(CREATOR, 'weekly-digest');
      await pause(300); // a dozen more checks
      expect(digests()).toHaveLength(1);
      now += WEEK;
      await services.outbox.waitFor(CREATOR, 'weekly-digest', 10_000, 1);
      await pause(300);
      expect(digests()).toHaveLength(2);
      await server.close();
      closed = true;
      now += WEEK;
      await pause(300);
      expect(digests()).toHaveLength(2);
    } finally {
      if (!closed) await server.close();
    }
  }, 60_000);

  it('the core\'s scheduled run is off without weekly_digest: true, and sends nothing', async () => {
    const digest = createScheduledDigest({ env: env(), billing: createStripeBilling, assets: createDistAssets(off.dist) });
    expect(await digest.schedule('http://127.0.0.1')).toBeUndefined();
    expect(await digest.run('http://127.0.0.1')).toBe('off');
    expect(digests()).toHaveLength(0);
  });
});
