// `npm run send`'s modes through runSend (what scripts/send.ts runs), over a real build of the send fixture
// and real fans on the Stripe stand-in: --preview writes one file per audience and touches neither Stripe
// nor a provider; --test sends one email of each audience to the creator and records nothing; --new sends
// every published post once, never a draft or a post dated in the future.

import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Stripe from 'stripe';
import { buildSite, tempDir, TEST_SECRET, type BuildResult } from '../helpers/build-site.ts';
import { start } from '../tools/stripe-local/helpers.ts';
import type { StandIn } from '../../tools/stripe-local/index.ts';
import { runSend, type CliIo } from '../../src/send/cli.ts';
import { stripeRecords } from '../../src/send/record.ts';
import { follower, keepingSender, member, SEND_FIXTURE, SEND_NOW, syncFixtureCatalog } from './helpers.ts';

let build: BuildResult;
let standIn: StandIn;
let stripe: Stripe;

beforeAll(async () => {
  // Built as on 2099-01-02, so the post dated 2099-01-01 is in the build; the send's own clock (SEND_NOW)
  // still holds it back until its date, by the same rule (src/core/schedule.ts).
  build = await buildSite({ content: SEND_FIXTURE, env: { TRUEFANS_NOW: '2099-01-02' } });
  if (build.code !== 0) throw new Error(`fixture build failed:\n${build.output}`);
  ({ standIn, stripe } = await start());
  await syncFixtureCatalog(stripe);
  await follower(stripe, 'fan@follow.example');
  await member(stripe, 'pat@members.example', 'patron');
}, 240_000);

afterAll(async () => {
  await standIn?.close();
});

const env = { TRUEFANS_SECRET: TEST_SECRET, EMAIL_FROM: 'Posts <posts@send.example>', CREATOR_EMAIL: 'ada@send.example' };
const refuse = (what: string) => () => {
  throw new Error(`${what} was used`);
};

function io(overrides: Partial<CliIo> = {}): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { env, stripe: () => stripe, sender: refuse('the provider'), out: (l) => lines.push(l), now: () => SEND_NOW, lines, ...overrides };
}

const sentRecord = async (post: string) => (await stripeRecords(stripe, { other: 0 }).read(post))?.state;

describe('npm run send -- --preview', () => {
  it('writes one HTML file per audience, prints their paths, and calls neither Stripe nor a provider', async () => {
    const dir = tempDir('truefans-preview-');
    const run = io({ stripe: refuse('Stripe') });
    expect(await runSend(['blocks', '--preview', dir, '--dist', build.outDir], run)).toBe(0);
    const expected = ['follower', 'tier-listener', 'tier-true-fan', 'tier-patron'].map((k) => join(dir, `blocks.${k}.html`));
    expect(run.lines).toEqual(expected);
    for (const file of expected) expect(existsSync(file), file).toBe(true);
    const follower = readFileSync(expected[0]!, 'utf8');
    const patron = readFileSync(expected[3]!, 'utf8');
    expect(follower).toContain('OPENING-SENTENCE-8e7f');
    expect(follower).not.toContain('SEND-CANARY-MEMBERS-2b61');
    expect(follower).toContain('The rest is for');
    expect(patron).toContain('SEND-CANARY-PATRON-0b7a');
    expect(readFileSync(expected[1]!, 'utf8')).not.toContain('SEND-CANARY-TRUEFAN-f19d');
    expect(await sentRecord('blocks')).toBeUndefined();
  });
});

describe('npm run send -- --test', () => {
  it('sends one email of each audience to the given address only, and records nothing on Stripe', async () => {
    const provider = keepingSender();
    const run = io({ sender: () => provider, stripe: refuse('Stripe') });
    expect(await runSend(['divider', '--test', 'me@creator.example', '--dist', build.outDir], run)).toBe(0);
    expect(provider.messages.map((m) => m.to)).toEqual(Array(4).fill('me@creator.example'));
    expect(provider.messages.map((m) => m.subject)).toEqual(['follower', 'tier:listener', 'tier:true-fan', 'tier:patron'].map((k) => `[test: ${k}] A post with a divider`));
    expect(provider.messages[0]!.html).not.toContain('SEND-CANARY-DIVIDER-93bf');
    expect(provider.messages[3]!.html).toContain('SEND-CANARY-DIVIDER-93bf');
    expect(run.lines).toEqual(['divider: 4 of 4 test emails (one per audience) sent to me@creator.example through test provider.']);
    expect(await sentRecord('divider')).toBeUndefined();
  });
});

describe('npm run send -- --new', () => {
  it('asks first: without --yes and no "send" typed, nothing goes out', async () => {
    const provider = keepingSender();
    const run = io({ sender: () => provider, ask: async () => 'no' });
    expect(await runSend(['--new', '--since', '2026-01-01', '--dist', build.outDir], run)).toBe(2);
    expect(provider.messages).toEqual([]);
  });

  it('sends every published post once, oldest first, never a draft or a future post, and skips them on a second run', async () => {
    const provider = keepingSender();
    const run = io({ sender: () => provider });
    expect(await runSend(['--new', '--since', '2026-01-01', '--yes', '--dist', build.outDir], run)).toBe(0);
    const subjects = [...new Set(provider.messages.map((m) => m.subject))];
    expect(subjects).toEqual(['A public note', 'A post with a divider', 'Tiered blocks', 'For patrons only']);
    expect(provider.messages).toHaveLength(4 * 2);
    expect(provider.messages.some((m) => /A draft|Not yet/.test(m.subject))).toBe(false);
    for (const post of ['public-post', 'divider', 'blocks', 'patron-only']) expect(await sentRecord(post), post).toBe('sent');
    for (const post of ['draft', 'future']) expect(await sentRecord(post), post).toBeUndefined();

    const again = keepingSender();
    const second = io({ sender: () => again });
    expect(await runSend(['--new', '--since', '2026-01-01', '--yes', '--dist', build.outDir], second)).toBe(0);
    expect(again.messages).toEqual([]);
    expect(second.lines.filter((l) => l.endsWith('already sent; skipped.'))).toHaveLength(4);
    expect(second.lines.at(-1)).toBe('Nothing to send.');
  });

  it('sends a future post once its date has come, and refuses to name one before', async () => {
    await expect(runSend(['future', '--yes', '--dist', build.outDir], io())).rejects.toThrow(/dated in the future/);
    await expect(runSend(['draft', '--yes', '--dist', build.outDir], io())).rejects.toThrow(/no post "draft".*drafts are never built/);
    const provider = keepingSender();
    const later = Date.UTC(2099, 0, 2);
    const run = io({ sender: () => provider, now: () => later });
    expect(await runSend(['--new', '--since', '2098-12-01', '--yes', '--dist', build.outDir], run)).toBe(0);
    expect([...new Set(provider.messages.map((m) => m.subject))]).toEqual(['Not yet']);
  });
});
