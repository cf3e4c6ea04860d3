// The email canary: a real build of the send fixture (a canary sentence in every kind of members-only
// place, at each tier), real fans on the Stripe stand-in, and a real send. A follower's, a Listener's, a
// True Fan's and a Patron's emails are scanned whole (HTML, text, subject, headers) and each holds exactly
// what that reader may read on the web, and every reader gets one copy.

import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { buildSite, TEST_SECRET, type BuildResult } from '../helpers/build-site.ts';
import { start } from '../tools/stripe-local/helpers.ts';
import type { StandIn } from '../../tools/stripe-local/index.ts';
import { createKeyring, type Keyring } from '../../src/core/crypto/keys.ts';
import { verifyUnsubscribeToken } from '../../src/core/tokens/unsubscribe.ts';
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
    it(`gives ${email} (${audience}) exactly what a ${audience} may read`, () => {
      const all = to(email).map(whole).join('\n');
      for (const canary of EVERY_CANARY) {
        if (READS[audience]!.includes(canary)) expect(all, canary).toContain(canary);
        else expect(all.toLowerCase(), canary).not.toContain(canary.toLowerCase());
      }
      for (const sentence of PUBLIC) expect(all).toContain(sentence);
      // Nothing sealed, and no members-only image URL in any form.
      expect(all).not.toContain('data-truefans-envelope');
      expect(all).not.toMatch(/tf1\.[A-Za-z0-9_-]{8}\./);
      expect(all).not.toContain('/_truefans/asset/');
    });
  }

  it('puts a join block where a follower may not read, and an upgrade block where a lower tier may not', () => {
    const blocks = (email: string) => to(email).find((m) => m.subject === 'Tiered blocks')!;
    expect(blocks('fan@follow.example').html).toContain('The rest is for');
    expect(blocks('fan@follow.example').text).toMatch(/Join to read it on the site/);
    expect(blocks('lis@members.example').html).toContain('This part is for True Fan members.');
    expect(blocks('lis@members.example').html).toContain('This part is for Patron members.');
    expect(blocks('pat@members.example').html).not.toMatch(/This part is for|The rest is for/);
    // The members-only image is linked to the post (behind sign-in), never embedded by URL.
    expect(blocks('lis@members.example').html).toContain('[Image: A gated photograph] view it on the site');
    expect(blocks('fan@follow.example').html).not.toContain('gated photograph');
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
