// `npm run followers` as a command against the stand-in (STRIPE_API_BASE): a dry run that says so and
// writes nothing, --apply with a progress bar, a re-run that finds everyone existing, and an export file.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeStandIn, type StandIn } from '../../tools/stripe-local/index.ts';
import { client } from '../tools/stripe-local/helpers.ts';

let standIn: StandIn;
let dir: string;
beforeEach(async () => {
  standIn = await startStripeStandIn({ port: 0, now: Date.UTC(2026, 10, 22) });
  dir = mkdtempSync(join(tmpdir(), 'truefans-followers-'));
});
afterEach(async () => {
  await standIn.close();
  rmSync(dir, { recursive: true, force: true });
});

const followers = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['scripts/followers.ts', ...args], {
    env: { ...process.env, STRIPE_SECRET_KEY: 'sk_test_truefans_local', STRIPE_API_BASE: standIn.url },
  });

describe('npm run followers', () => {
  it('imports a Mailchimp export (dry run, then --apply, then again) and exports the list', async () => {
    const file = join(dir, 'subscribed_members_export.csv');
    writeFileSync(file, 'Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME\r\nada@example.com,Ada,Lovelace,2,2024-01-01 10:00:00\r\nbroken,B,C,1,\r\n');

    const dry = await followers('import', file);
    expect(dry.stdout).toBe('Read a Mailchimp export.\n1 new follower(s) to add, 0 existing customer(s) to mark as following (already following: unchanged).\n1 invalid row(s) (line 3), 0 duplicate(s), 0 not getting email at the source (skipped).\nThis was a dry run: nothing was written. Run it again with --apply to add them.\n');
    expect(dry.stderr).toContain('Checking [');
    expect((await client(standIn).customers.list()).data).toEqual([]);

    const applied = await followers('import', file, '--apply');
    expect(applied.stdout).toContain('1 new follower(s) added');
    expect(applied.stdout).toContain('you are responsible for having their consent');
    expect(applied.stderr).toContain('Importing [##############################] 1/1');
    expect((await followers('import', file, '--apply')).stdout).toContain('0 new follower(s) added, 1 existing customer(s)');
    expect((await client(standIn).customers.list()).data.map((c) => c.email)).toEqual(['ada@example.com']);

    const out = join(dir, 'followers.csv');
    expect((await followers('export', out)).stdout).toBe(`Wrote 1 follower(s) and member(s) to ${out}.\n`);
    expect(readFileSync(out, 'utf8').split('\r\n')[1]).toMatch(/^ada@example\.com,,\d{4}-\d\d-\d\dT[\d:.]+Z,no,on$/);
  }, 60_000); // several node processes; slow on a loaded machine

  it('names the file and the fix for a file without addresses, and prints usage without a command', async () => {
    const file = join(dir, 'names.csv');
    writeFileSync(file, 'name,city\nAda,London\n');
    const failed = (await followers('import', file).catch((e: { stderr: string; code: number }) => e)) as { stderr: string; code: number };
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`${file}: no column holds email addresses.`);
    const usage = (await followers().catch((e: { stderr: string; code: number }) => e)) as { stderr: string; code: number };
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('npm run followers -- import FILE.csv [--apply]');
  }, 60_000);
});
