// Never twice, never lost: `npm run send` runs as a child process against the Stripe stand-in and a Resend
// stand-in, and is killed (SIGKILL) right after the provider took its second batch and before it heard the
// answer. Its claim on the post (lease.ts) is still fresh, so a run started at once is refused and sends
// nothing; a run after the killed one's lease has lapsed takes over and resumes from the record on Stripe:
// the batch in doubt is asked again with the same idempotency key (the provider drops it), the rest goes
// out, and every recipient has exactly one email.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { buildSite, ROOT, TEST_SECRET, type BuildResult } from '../helpers/build-site.ts';
import { KEY, start } from '../tools/stripe-local/helpers.ts';
import type { StandIn } from '../../tools/stripe-local/index.ts';
import { recordId } from '../../src/send/record.ts';
import { lockId } from '../../src/send/lease.ts';
import { runSend as runSendHere } from '../../src/send/cli.ts';
import { senderFromEnv } from '../../src/send/providers/from-env.ts';
import { follower, member, SEND_FIXTURE, syncFixtureCatalog } from './helpers.ts';
import { resendStandIn, type ProviderStandIn } from './provider-stand-ins.ts';

let build: BuildResult;
let standIn: StandIn;
let stripe: Stripe;
let resend: ProviderStandIn;
const FOLLOWERS = 245;
/** The killed run's lease: long enough that the run started right after it is surely refused. */
const LEASE_SECONDS = 30;

const sendEnv = () => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  TRUEFANS_SECRET: TEST_SECRET,
  STRIPE_SECRET_KEY: KEY,
  STRIPE_API_BASE: `http://127.0.0.1:${standIn.stripeOptions.port}`,
  SEND_PROVIDER: 'resend',
  RESEND_API_KEY: 're_test_key',
  RESEND_API_BASE: resend.url,
  EMAIL_FROM: 'Posts <posts@send.example>',
  CREATOR_EMAIL: 'ada@send.example',
  TRUEFANS_SEND_LEASE_SECONDS: String(LEASE_SECONDS),
});

function runSend(args: string[], onChild?: (kill: () => void) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/send.ts'), ...args, '--yes', '--dist', build.outDir], {
      cwd: ROOT,
      env: sendEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('error', reject);
    child.on('close', (code, signal) => done({ code, signal, output }));
    onChild?.(() => child.kill('SIGKILL'));
  });
}

beforeAll(async () => {
  build = await buildSite({ content: SEND_FIXTURE });
  if (build.code !== 0) throw new Error(`fixture build failed:\n${build.output}`);
  ({ standIn, stripe } = await start());
  await syncFixtureCatalog(stripe);
  for (let i = 0; i < FOLLOWERS; i++) await follower(stripe, `reader${i}@follow.example`);
  await member(stripe, 'pat@members.example', 'patron');
  resend = await resendStandIn('re_test_key');
}, 240_000);

afterAll(async () => {
  await resend?.close();
  await standIn?.close();
});

describe('a send killed halfway', () => {
  it('resumes where it stopped, and each recipient gets exactly one email', async () => {
    let kill: () => void = () => undefined;
    resend.onAccepted = (n) => {
      if (n !== 2) return true;
      kill();
      return false;
    };
    const first = await runSend(['blocks'], (k) => (kill = k));
    expect(first.signal).toBe('SIGKILL');
    expect(resend.accepted).toHaveLength(200);
    const record = await stripe.products.retrieve(recordId('blocks'));
    expect(record.metadata.truefans_send_state).toBe('sending');
    expect(record.metadata.truefans_send_inflight).toMatch(/^cus_/);

    resend.onAccepted = undefined;
    // At once: the killed run's claim is fresh, so this run is refused and sends nothing.
    const refused = await runSend(['blocks']);
    expect(refused.code, refused.output).toBe(3);
    expect(refused.output).toMatch(/post "blocks" is being sent by another run since \S+Z; try again after \S+Z/);
    expect(resend.accepted).toHaveLength(200);

    // After the lease (this run's clock is that far ahead): it takes over with lock 2 and resumes.
    const lines: string[] = [];
    const later = () => Date.now() + (LEASE_SECONDS + 1) * 1000;
    const env = sendEnv();
    const code = await runSendHere(['blocks', '--yes', '--dist', build.outDir], { env, stripe: () => stripe, sender: () => senderFromEnv(env), out: (l) => lines.push(l), now: later });
    expect(code, lines.join('\n')).toBe(0);
    expect(lines.join('\n')).toContain('blocks: 146 sent, 0 failed, 100 sent by an earlier run, 0 uncertain');
    expect((await stripe.products.retrieve(lockId('blocks', 2))).metadata.truefans_lock_released).toMatch(/^\d+$/);

    const counts = new Map<string, number>();
    for (const m of resend.accepted) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
    expect(counts.size).toBe(FOLLOWERS + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect((await stripe.products.retrieve(recordId('blocks'))).metadata.truefans_send_state).toBe('sent');

    // And a third run sends nobody anything.
    const third = await runSend(['blocks']);
    expect(third.output).toContain('blocks: already sent');
    expect(resend.accepted).toHaveLength(FOLLOWERS + 1);
  }, 120_000);
});
