// One send of a post at a time, the Stripe calls a send makes, and `--new` over the whole archive, over a
// real build of the send fixture and real fans on the Stripe stand-in (a fresh stand-in per test):
// - two sends of the same post started together: exactly one emails, each recipient gets one email, the
//   other run is told who holds the post and until when; a claim's heartbeat going stale lets the next run
//   take over, and the stalled holder stops before its next batch;
// - the recipients are read in one pass, at most one list page per 100 of them, counted at the stand-in;
// - `--new` sends every published post not yet sent, whatever its date, resumes a half-sent one and skips
//   a sent one, finding which is which in one list call.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { buildSite, TEST_SECRET, type BuildResult } from '../helpers/build-site.ts';
import { start } from '../tools/stripe-local/helpers.ts';
import type { StandIn } from '../../tools/stripe-local/index.ts';
import { runSend, type CliIo } from '../../src/send/cli.ts';
import { stripeRecords, recordId } from '../../src/send/record.ts';
import { claim, LeaseLost, lockId, SendBusy } from '../../src/send/lease.ts';
import { sendPost } from '../../src/send/send.ts';
import { createKeyring } from '../../src/core/crypto/keys.ts';
import { readBuiltSite } from '../../src/send/post.ts';
import { follower, keepingSender, member, SEND_FIXTURE, SEND_NOW, syncFixtureCatalog } from './helpers.ts';

let build: BuildResult;
let standIn: StandIn | undefined;

beforeAll(async () => {
  build = await buildSite({ content: SEND_FIXTURE });
  if (build.code !== 0) throw new Error(`fixture build failed:\n${build.output}`);
}, 240_000);

afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

/** A fresh stand-in with the fixture's catalogue; `requests` sees every request it answers. */
async function world(requests: string[] = []): Promise<Stripe> {
  const started = await start({ onRequest: (method, path) => requests.push(`${method} ${path}`) });
  standIn = started.standIn;
  await syncFixtureCatalog(started.stripe);
  return started.stripe;
}

const env = { TRUEFANS_SECRET: TEST_SECRET, EMAIL_FROM: 'Posts <posts@send.example>' };

function io(stripe: Stripe, overrides: Partial<CliIo> = {}): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { env, stripe: () => stripe, sender: () => keepingSender(), out: (l) => lines.push(l), now: () => SEND_NOW, lines, ...overrides };
}

const perAddress = (messages: { to: string }[]) => {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
  return counts;
};

describe('two sends of one post at once', () => {
  it('only one run emails: each recipient gets exactly one email, the other run is told the post is being sent', async () => {
    const stripe = await world();
    for (let i = 0; i < 60; i++) await follower(stripe, `reader${i}@follow.example`);
    await member(stripe, 'pat@members.example', 'patron');
    // One provider for both runs that keeps every message it is given (no idempotency), and takes a while
    // per batch of 10, so the two runs overlap.
    const provider = keepingSender(10);
    const slow = { ...provider, send: async (batch: Parameters<typeof provider.send>[0], key: string) => (await new Promise((r) => setTimeout(r, 30)), provider.send(batch, key)) };
    const a = io(stripe, { sender: () => slow });
    const b = io(stripe, { sender: () => slow });
    const codes = await Promise.all([runSend(['blocks', '--yes', '--dist', build.outDir], a), runSend(['blocks', '--yes', '--dist', build.outDir], b)]);

    expect(codes.toSorted()).toEqual([0, 3]);
    const loser = codes[0] === 3 ? a : b;
    expect(loser.lines).toEqual([expect.stringMatching(/^post "blocks" is being sent by another run since 2026-11-01T12:00:00Z; try again after 2026-11-01T12:03:00Z/)]);
    const counts = perAddress(provider.messages);
    expect(counts.size).toBe(61);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // The winner's lock is released: the next run may claim at once (and finds the post sent).
    expect((await stripe.products.retrieve(lockId('blocks', 1))).metadata.truefans_lock_released).toBeTruthy();
    await expect(stripe.products.retrieve(lockId('blocks', 2))).rejects.toMatchObject({ code: 'resource_missing' });
  }, 120_000);

  it('of claims started together exactly one wins: creating a product with a taken id is refused', async () => {
    const stripe = await world();
    const calls = { other: 0 };
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => claim(stripe, 'blocks', { now: () => SEND_NOW, calls })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(SendBusy);
    await expect(stripe.products.create({ id: lockId('blocks', 1), name: 'again' })).rejects.toMatchObject({ statusCode: 400, code: 'resource_already_exists', param: 'id', type: 'StripeInvalidRequestError' });
  }, 60_000);

  it('a claim whose heartbeat is stale is taken over by the next lock, and the stalled holder stops', async () => {
    const stripe = await world();
    const calls = { other: 0 };
    let clock = SEND_NOW;
    const now = () => clock;
    const first = await claim(stripe, 'blocks', { now, leaseMs: 60_000, calls });
    clock += 20_000;
    await first.keep(); // a quarter of the lease has passed: renews its heartbeat
    expect((await stripe.products.retrieve(first.lockId)).metadata.truefans_lock_heartbeat).toBe(String((SEND_NOW + 20_000) / 1000));
    clock += 59_000;
    const refused = await claim(stripe, 'blocks', { now, leaseMs: 60_000, calls }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SendBusy);
    expect((refused as SendBusy).retryAtMs).toBe(SEND_NOW + 80_000);
    clock += 1_000;
    const second = await claim(stripe, 'blocks', { now, leaseMs: 60_000, calls });
    expect(second.lockId).toBe(lockId('blocks', 2));
    // The first holder, back from its stall: it had not renewed for 60 s, so it stops at once...
    await expect(first.keep()).rejects.toBeInstanceOf(LeaseLost);
    // ...and one that stalled less finds the newer lock when it renews.
    clock += 20_000;
    await second.keep();
    const third = { stale: await claim(stripe, 'other-post', { now, leaseMs: 60_000, calls }) };
    clock += 61_000;
    await claim(stripe, 'other-post', { now, leaseMs: 60_000, calls });
    clock -= 45_000; // as if the stalled holder's clock had only moved on 16 s
    await expect(third.stale.keep()).rejects.toThrow(/another run took over/);
  }, 60_000);
});

describe('Stripe calls of a send', () => {
  it('reads 250 recipients in one pass: at most 3 list pages, counted at the stand-in', async () => {
    const requests: string[] = [];
    const stripe = await world(requests);
    for (let i = 0; i < 246; i++) await follower(stripe, `reader${i}@follow.example`);
    for (const [email, tier] of [['lis@m.example', 'listener'], ['tru@m.example', 'true-fan'], ['pat@m.example', 'patron'], ['pat2@m.example', 'patron']] as const) await member(stripe, email, tier);
    const site = readBuiltSite(build.outDir);
    const provider = keepingSender();
    const calls = { list: 0, other: 0 };
    requests.length = 0;
    const summary = await sendPost(
      { site, keyring: await createKeyring(TEST_SECRET), sender: provider, from: '"Ada" <posts@send.example>', now: () => SEND_NOW },
      site.posts.find((p) => p.post === 'blocks')!,
      { stripe, records: stripeRecords(stripe, calls), pastDue: 'keep', calls },
    );
    expect(summary.sent).toBe(250);
    const lists = requests.filter((r) => /^GET \/v1\/[a-z_]+$/.test(r));
    expect(lists).toEqual(['GET /v1/customers', 'GET /v1/customers', 'GET /v1/customers']);
    expect(calls.list).toBe(3);
    // Each audience got its own email: the members their tier's, the followers the follower's.
    expect(new Set(provider.messages.filter((m) => m.to.endsWith('@m.example')).map((m) => m.html.includes('SEND-CANARY-PATRON-0b7a')))).toEqual(new Set([true, false]));
    expect(provider.messages.filter((m) => m.to === 'pat2@m.example')[0]!.html).toContain('SEND-CANARY-PATRON-0b7a');
    expect(provider.messages.filter((m) => m.to === 'reader0@follow.example')[0]!.html).not.toContain('SEND-CANARY-MEMBERS-2b61');
  }, 120_000);

  it('one reader with two customers gets one email, the newest customer\'s, and the summary says when an older one held more', async () => {
    const stripe = await world();
    await member(stripe, 'Both@Example.com', 'patron');
    await follower(stripe, 'both@example.com');
    const site = readBuiltSite(build.outDir);
    const provider = keepingSender();
    const calls = { list: 0, other: 0 };
    const summary = await sendPost(
      { site, keyring: await createKeyring(TEST_SECRET), sender: provider, from: '"Ada" <posts@send.example>', now: () => SEND_NOW },
      site.posts.find((p) => p.post === 'blocks')!,
      { stripe, records: stripeRecords(stripe, calls), pastDue: 'keep', calls },
    );
    expect(provider.messages.map((m) => m.to)).toEqual(['both@example.com']);
    expect(provider.messages[0]!.html).not.toContain('SEND-CANARY-PATRON-0b7a');
    expect(summary.lowerTier).toBe(1);
  }, 60_000);
});

describe('npm run send -- --new', () => {
  it('sends every published post not yet sent, however old, resumes a half-sent one and skips a sent one, reading the records in one call', async () => {
    const requests: string[] = [];
    const stripe = await world(requests);
    const a = await follower(stripe, 'a@follow.example');
    await follower(stripe, 'b@follow.example');
    const c = await follower(stripe, 'c@follow.example');
    const records = stripeRecords(stripe, { other: 0 });
    const started = Math.floor(SEND_NOW / 1000);
    await records.create({ post: 'public-post', state: 'sent', started, done: a.id, inflight: '', sent: 3, failed: 0, uncertain: 0 }, 'A public note');
    // Half sent: the newest customer (c, listed first) was handled by a run that stopped.
    await records.create({ post: 'divider', state: 'sending', started, done: c.id, inflight: '', sent: 1, failed: 0, uncertain: 0 }, 'A post with a divider');
    const provider = keepingSender();
    // Two months after the posts' dates: --new is not limited to recent posts.
    const run = io(stripe, { sender: () => provider, now: () => SEND_NOW + 60 * 86_400_000 });
    requests.length = 0;
    expect(await runSend(['--new', '--yes', '--dist', build.outDir], run)).toBe(0);

    expect(requests.filter((r) => r === 'GET /v1/products')).toHaveLength(1);
    expect(run.lines[0]).toBe('public-post: already sent; skipped.');
    const subjects = (to: string) => provider.messages.filter((m) => m.to === to).map((m) => m.subject);
    expect(subjects('a@follow.example')).toEqual(['A post with a divider', 'Tiered blocks', 'For patrons only']);
    expect(subjects('c@follow.example')).toEqual(['Tiered blocks', 'For patrons only']);
    expect(run.lines.find((l) => l.startsWith('divider:'))).toMatch(/^divider: 2 sent, 0 failed, 1 sent by an earlier run/);
    expect(provider.messages.some((m) => /A draft|Not yet/.test(m.subject))).toBe(false);
    for (const post of ['public-post', 'divider', 'blocks', 'patron-only']) expect((await records.read(post))?.state, post).toBe('sent');
    expect(await records.read('future')).toBeUndefined();
    expect((await stripe.products.retrieve(recordId('divider'))).active).toBe(false);
  }, 120_000);
});

describe('what npm run send prints', () => {
  it('without a terminal: a plain progress line per ten seconds, estimated from the last send\'s audience, then the summary', async () => {
    const stripe = await world();
    for (let i = 0; i < 30; i++) await follower(stripe, `reader${i}@follow.example`);
    // The last post sent reached 30 readers: the next one is expected to reach about as many.
    await stripeRecords(stripe, { other: 0 }).create({ post: 'public-post', state: 'sent', started: Math.floor(SEND_NOW / 1000) - 86_400, done: '', inflight: '', sent: 29, failed: 1, uncertain: 0 }, 'A public note');
    let clock = SEND_NOW;
    const provider = keepingSender(10);
    // Each batch of 10 takes the provider 6 seconds.
    const slow = { ...provider, send: async (batch: Parameters<typeof provider.send>[0], key: string) => ((clock += 6_000), provider.send(batch, key)) };
    const progress: string[] = [];
    const run = io(stripe, { sender: () => slow, now: () => clock, progress: { tty: false, write: (t) => progress.push(t) } });
    expect(await runSend(['blocks', '--yes', '--dist', build.outDir], run)).toBe(0);
    expect(progress).toEqual(['blocks: [################........] 20 of about 30 · 20 sent, 0 failed · 2/s · about 6s left\n']);
    expect(run.lines).toEqual(['blocks: 30 sent, 0 failed, 0 sent by an earlier run, 0 uncertain, in 18s (1 Stripe list calls).']);
  }, 60_000);
});
