// `npm run stripe:sync` as a command: run against the local stand-in through STRIPE_API_BASE, what it
// prints, and how it says to fix a missing or refused key.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeStandIn, type StandIn } from '../../tools/stripe-local/index.ts';

const relativeDir = (dir: string) => relative(process.cwd(), dir);

let standIn: StandIn;
beforeEach(async () => {
  standIn = await startStripeStandIn({ port: 0, now: Date.UTC(2026, 10, 22) });
});
afterEach(async () => {
  await standIn.close();
});

describe('stripe:sync', () => {
  it('runs as a script against STRIPE_API_BASE and prints what it did', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'truefans-sync-'));
    try {
      writeFileSync(join(dir, 'site.yaml'), 'title: Mira Lune\nurl: https://mira.example\nauthor:\n  name: Mira\ntiers:\n  - id: supporter\n    name: Supporter\n    monthly: 7\n');
      const run = () =>
        promisify(execFile)(process.execPath, ['scripts/stripe-sync.ts'], {
          env: { ...process.env, STRIPE_SECRET_KEY: 'sk_test_truefans_local', STRIPE_API_BASE: standIn.url, TRUEFANS_CONTENT_DIR: dir },
        });
      const first = await run();
      expect(first.stdout).toContain(`Syncing 1 tier(s) and 0 offer(s) from ${join(relativeDir(dir), 'site.yaml')} to ${standIn.url}...`);
      expect(first.stdout).toContain('created   tier supporter (month): 7.00 USD per month (truefans:tier:supporter:month)');
      expect(first.stdout.trim().split('\n').pop()).toBe('3 created, 0 updated, 0 unchanged.');
      expect((await run()).stdout.trim().split('\n').pop()).toBe('0 created, 0 updated, 3 unchanged.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000); // two node processes; slow on a loaded machine

  it('says how to fix a missing or refused key', async () => {
    const run = (env: Record<string, string>) =>
      promisify(execFile)(process.execPath, ['scripts/stripe-sync.ts'], { env: { ...process.env, STRIPE_SECRET_KEY: '', STRIPE_API_BASE: standIn.url, ...env } }).catch((e: { stderr: string; code: number }) => e);
    const missing = (await run({})) as { stderr: string; code: number };
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('STRIPE_SECRET_KEY is not set.');
    const refused = (await run({ STRIPE_SECRET_KEY: 'sk_test_wrong_key_entirely' })) as { stderr: string; code: number };
    expect(refused.stderr.trim()).toBe('Stripe does not accept STRIPE_SECRET_KEY. Copy it again from https://dashboard.stripe.com/apikeys.');
  }, 30_000);
});
