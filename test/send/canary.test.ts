// The email canary: a real build of the send fixture (a canary sentence in every kind of members-only
// place, at each tier), real fans on the Stripe stand-in, and a real send. A follower's, a Listener's, a
// True Fan's and a Patron's emails are scanned whole (HTML, text, subject, headers) and each holds exactly
// what that reader may read on the web, and every reader gets one copy. A members-only image loads, through
// the real edge function over the built site, only by the signed, expiring URL of a tier that opens it.

import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { buildSite, TEST_SECRET, type BuildResult } from '../helpers/build-site.ts';
import { start } from '../tools/stripe-local/helpers.ts';
import type { StandIn } from '../../tools/stripe-local/index.ts';
import { createKeyring, type Keyring } from '../../src/core/crypto/keys.ts';
import { verifyUnsubscribeToken } from '../../src/core/tokens/unsubscribe.ts';
import { signEmailAssetToken, verifyEmailAssetToken } from '../../src/core/tokens/email-asset.ts';
import { createHandler } from '../../src/core/handler.ts';
import { createStripeBilling } from '../../src/billing/stripe/index.ts';
import { createDistAssets } from '../../src/adapters/node/static-files.ts';
import { openBytes } from '../../src/core/crypto/seal.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBuiltSite, type BuiltSite } from '../../src/send/post.ts';
import { stripeRecords } from '../../src/send/record.ts';
import { sendPost, type Sending } from '../../src/send/send.ts';
import type { OutMessage } from '../../src/send/providers/types.ts';
import { follower, keepingSender, member, SEND_FIXTURE, SEND_NOW, syncFixtureCatalog } from './helpers.ts';

const ALL = {
  members: ['SEND-CANARY-MEMBERS-2b61', 'SEND-CANARY-DIVIDER-93bf', 'SEND-CANARY-HEADING-71aa', 'SEND-CANARY-CODE-5d0e'],
  listener: ['SEND-CANARY-LISTENER-c4e2'],
  'true-fan': ['SEND-CANARY-TRUEFAN-f19d'],
  patron: ['SEND-CANARY-PATRON-0b7a', 'SEND-CANARY-WHOLE-8d4c'],
};
const PUBLIC = ['OPENING-SENTENCE-8e7f', 'BETWEEN-SENTENCE-6a3c', 'TEASER-SENTENCE-4c2d'];
const READS: Record<string, string[]> = {
  follower: [],
  listener: [...ALL.members, ...ALL.listener],
  'true-fan': [...ALL.members, ...ALL.listener, ...ALL['true-fan']],
  patron: [...ALL.members, ...ALL.listener, ...ALL['true-fan'], ...ALL.patron],
};
const EVERY_CANARY = Object.values(ALL).flat();

const DAY = 24 * 60 * 60 * 1000;
let build: BuildResult;
let site: BuiltSite;
let keyring: Keyring;
let standIn: StandIn;
let stripe: Stripe;
const provider = keepingSender(3);

/** Everything a mail client or a reader could see of a message, in one string. */
const whole = (m: OutMessage) => [m.subject, m.from, m.replyTo ?? '', m.html, m.text, JSON.stringify(m.headers)].join('\n');

beforeAll(async () => {
  build = await buildSite({ content: SEND_FIXTURE });
  if (build.code !== 0) throw new Error(`fixture build failed:\n${build.output}`);
  site = readBuiltSite(build.outDir);
  keyring = await createKeyring(TEST_SECRET);
  ({ standIn, stripe } = await start());
  await syncFixtureCatalog(stripe);
  await follower(stripe, 'fan@follow.example', {}, 'Frida Follower');
  await member(stripe, 'lis@members.example', 'listener');
  await member(stripe, 'tru@members.example', 'true-fan');
  await member(stripe, 'pat@members.example', 'patron');
  // One person, two customers whose emails differ in letter case: one email, at the highest tier.
  await follower(stripe, 'Both@Members.example');
  await member(stripe, 'both@members.example', 'patron');
  // Post emails off, a customer who neither follows nor pays: no email.
  await member(stripe, 'quiet@members.example', 'patron', { truefans_post_emails: 'off' });
  await follower(stripe, 'gone@follow.example', { truefans_post_emails: 'off' });
  await stripe.customers.create({ email: 'buyer@example.com' });
  const sending: Sending = { site, keyring, sender: provider, from: '"Ada Sender" <posts@send.example>', replyTo: 'ada@send.example', now: () => SEND_NOW };
  const calls = { list: 0, other: 0 };
  const records = stripeRecords(stripe, calls);
  for (const post of ['blocks', 'divider', 'patron-only']) {
    await sendPost(sending, site.posts.find((p) => p.post === post)!, { stripe, records, pastDue: 'keep', calls });
  }
}, 240_000);

/** The edge function over the built site, at a given time; its fetch refuses, so it can reach no Stripe. */
function handlerAt(nowMs: number) {
  return createHandler({
    env: { TRUEFANS_SECRET: TEST_SECRET, STRIPE_SECRET_KEY: 'sk_test_truefans_local', SITE_URL: 'https://send.example' },
    billing: createStripeBilling,
    assets: createDistAssets(build.outDir),
    now: () => nowMs,
    log: () => {},
    fetch: () => Promise.reject(new Error('no network in this test')),
  });
}

function withToken(url: URL, token: string): string {
  const u = new URL(url);
  u.searchParams.set('access', token);
  return u.href;
}

async function tokenTier(url: string): Promise<string | undefined> {
  const u = new URL(url);
  return (await verifyEmailAssetToken(keyring, u.searchParams.get('access')!, u.pathname, SEND_NOW))?.tier;
}

afterAll(async () => {
  await standIn?.close();
});

const to = (email: string) => provider.messages.filter((m) => m.to.toLowerCase() === email.toLowerCase());
const audienceOf: Record<string, string> = {
  'fan@follow.example': 'follower',
  'lis@members.example': 'listener',
  'tru@members.example': 'true-fan',
  'pat@members.example': 'patron',
  'both@members.example': 'patron',
};

describe('a post by email, tier by tier', () => {
  it('sends each reader one copy of each post, and nobody else anything', () => {
    const counts = new Map<string, number>();
    for (const m of provider.messages) counts.set(`${m.to.toLowerCase()}|${m.subject}`, (counts.get(`${m.to.toLowerCase()}|${m.subject}`) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(provider.messages.map((m) => m.to.toLowerCase()))).toEqual(new Set(Object.keys(audienceOf)));
    expect(provider.messages).toHaveLength(3 * 5);
  });

  for (const [email, audience] of Object.entries(audienceOf)) {
    it(`gives ${email} (${audience}) exactly what a ${audience} may read`, async () => {
      const all = to(email).map(whole).join('\n');
      for (const canary of EVERY_CANARY) {
        if (READS[audience]!.includes(canary)) expect(all, canary).toContain(canary);
        else expect(all.toLowerCase(), canary).not.toContain(canary.toLowerCase());
      }
      for (const sentence of PUBLIC) expect(all).toContain(sentence);
      // Nothing sealed, and no members-only image URL in any form.
      expect(all).not.toContain('data-truefans-envelope');
      expect(all).not.toMatch(/tf[12]\.[A-Za-z0-9_-]{8}\./);
      // A members-only image URL only ever with this audience's own signed token; a follower gets none.
      const imageUrls = all.match(/[^"\s<>]*\/_truefans\/asset\/[^"\s<>]*/g) ?? [];
      if (audience === 'follower') expect(imageUrls).toEqual([]);
      for (const url of imageUrls) expect(url, url).toMatch(/^https:\/\/send\.example\/_truefans\/asset\/[^/?]+\/gated\.[A-Za-z0-9_-]+\.webp\?access=[A-Za-z0-9_.-]+$/);
      const tiers = await Promise.all(imageUrls.map(async (url) => tokenTier(url)));
      for (const tier of tiers) expect(tier).toBe(audience);
    });
  }

  it('puts a join block where a follower may not read, and an upgrade block where a lower tier may not', () => {
    const blocks = (email: string) => to(email).find((m) => m.subject === 'Tiered blocks')!;
    expect(blocks('fan@follow.example').html).toContain('The rest is for');
    expect(blocks('fan@follow.example').text).toMatch(/Join to read it on the site/);
    expect(blocks('lis@members.example').html).toContain('This part is for True Fan members.');
    expect(blocks('lis@members.example').html).toContain('This part is for Patron members.');
    expect(blocks('pat@members.example').html).not.toMatch(/This part is for|The rest is for/);
    // The members-only image is in a member's email (by a signed URL, below), and nowhere in a follower's.
    expect(blocks('lis@members.example').html).toMatch(/<img[^>]*alt="A gated photograph"/);
    expect(blocks('fan@follow.example').html).not.toContain('gated photograph');
  });

  describe('members-only images', () => {
    const image = (email: string) => {
      const src = /<img[^>]*src="([^"]*\/_truefans\/asset\/[^"]*)"/.exec(to(email).find((m) => m.subject === 'Tiered blocks')!.html)?.[1];
      return src?.replace(/&amp;/g, '&');
    };
    const get = (url: string, at = SEND_NOW) => handlerAt(at)(new Request(url));

    it('load for a Patron through the edge function, with no cookie and the image bytes', async () => {
      const url = image('pat@members.example');
      expect(url).toBeDefined();
      const response = await get(url!);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toMatch(/^private\b/);
      expect(response.headers.get('content-type')).toBe('image/webp');
      // The bytes the build sealed for this asset, opened: a WebP image.
      const id = new URL(url!).pathname.split('/')[3]!;
      const sealed = new Uint8Array(readFileSync(join(build.outDir, `_truefans/sealed/${id}.bin`)));
      const expected = Buffer.from(await openBytes(keyring, { kind: 'asset', id, tier: site.manifest.assets[id]!.access }, sealed));
      const got = Buffer.from(await response.arrayBuffer());
      expect(got.subarray(8, 12).toString('latin1')).toBe('WEBP');
      expect(got.equals(expected)).toBe(true);
      // Still good on day 29 of its 30.
      expect((await get(url!, SEND_NOW + 29 * DAY)).status).toBe(200);
    });

    it('are not in a follower\'s email at all, and the image URL without a token is refused', async () => {
      expect(image('fan@follow.example')).toBeUndefined();
      const bare = new URL(image('pat@members.example')!);
      bare.search = '';
      const response = await get(bare.href);
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).not.toMatch(/^image\//);
    });

    it('refuse a tampered, an expired, or a borrowed token', async () => {
      const url = new URL(image('lis@members.example')!);
      const token = url.searchParams.get('access')!;
      const refused = async (href: string, at?: number) => {
        const response = await get(href, at);
        expect(response.status, href).toBe(403);
        expect(response.headers.get('content-type')).not.toMatch(/^image\//);
      };
      // The tier claim raised to patron with the signature kept.
      const [head, body, sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
      const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, tier: 'patron', exp: (claims.exp as number) + 365 * 86400 })).toString('base64url')}.${sig}`;
      await refused(withToken(url, forged));
      // One character of the signature changed.
      await refused(withToken(url, `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`));
      // Expired: 30 days and a minute after the send.
      await refused(url.href, SEND_NOW + 30 * DAY + 60_000);
      // Made for another asset path: a token opens only the image it was made for.
      expect(await verifyEmailAssetToken(keyring, token, url.pathname, SEND_NOW)).toEqual({ tier: 'listener' });
      expect(await verifyEmailAssetToken(keyring, token, url.pathname.replace(/[^/]+$/, 'other.webp'), SEND_NOW)).toBeUndefined();
      expect(await verifyEmailAssetToken(keyring, token, '/_truefans/asset/AAAAAAAAAAAAAAAAAAAAAA/gated.webp', SEND_NOW)).toBeUndefined();
      // Signed with another site's secret.
      const stranger = await createKeyring('Zx8Cv7Bn6Mm5Ll4Kk3Jj2Hh1Gg0Ff9Dd8Ss7Aa6Qq5W');
      await refused(withToken(url, await signEmailAssetToken(stranger, url.pathname, 'patron', SEND_NOW)));
    });
  });

  it('sends from the creator, replies to the creator, and unsubscribes in one click', async () => {
    for (const m of provider.messages) {
      expect(m.from).toBe('"Ada Sender" <posts@send.example>');
      expect(m.replyTo).toBe('ada@send.example');
      expect(m.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      const url = /^<(https:\/\/send\.example\/_truefans\/unsubscribe\?t=[^>]+)>$/.exec(m.headers['List-Unsubscribe']!)?.[1];
      expect(url).toBeDefined();
      const token = new URL(url!).searchParams.get('t')!;
      expect(await verifyUnsubscribeToken(keyring, token, SEND_NOW)).toEqual({ email: m.to.toLowerCase() });
      // The same link, visible in both parts.
      expect(m.html).toContain(url!.replace(/&/g, '&amp;'));
      expect(m.text).toContain(url!);
    }
    expect(to('fan@follow.example')[0]!.text).toMatch(/^Hi Frida,/);
  });

  it('renders email HTML (tables, inlined styles) with a plain-text twin', () => {
    const m = to('pat@members.example')[0]!;
    expect(m.html).toMatch(/<table[^>]*role="presentation"/);
    expect(m.html).toContain('<!--[if mso');
    expect(m.text).not.toMatch(/<[a-z][^>]*>/i);
  });

  it('never sends a post twice: a second run finds the record on Stripe and skips', async () => {
    const before = provider.messages.length;
    const sending: Sending = { site, keyring, sender: provider, from: 'x <x@send.example>', now: () => SEND_NOW };
    const calls = { list: 0, other: 0 };
    const summary = await sendPost(sending, site.posts.find((p) => p.post === 'blocks')!, { stripe, records: stripeRecords(stripe, calls), pastDue: 'keep', calls });
    expect(summary.state).toBe('already-sent');
    expect(provider.messages.length).toBe(before);
    expect(calls.list).toBe(0);
  });
});
