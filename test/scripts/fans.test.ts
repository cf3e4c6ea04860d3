// `npm run fans` as a creator runs it: a missing key names the variable and the fix; against the stand-in it
// prints the summary and writes the page and the CSV, readable by the creator only.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { start } from '../tools/stripe-local/helpers.ts';

const run = promisify(execFile);
const script = new URL('../../scripts/fans.ts', import.meta.url).pathname;
const env = (extra: Record<string, string>) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TRUEFANS_CONTENT_DIR: new URL('../fixtures/adapter-site', import.meta.url).pathname, ...extra });

describe('npm run fans', () => {
  it('without STRIPE_SECRET_KEY says which variable and how to set it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fans-'));
    const failed = await run(process.execPath, [script], { cwd: dir, env: env({}) }).catch((e: { code: number; stderr: string }) => e);
    expect('code' in failed && failed.code).toBe(1);
    expect((failed as { stderr: string }).stderr).toContain('STRIPE_SECRET_KEY is not set');
    expect((failed as { stderr: string }).stderr).toContain('STRIPE_SECRET_KEY=sk_test_... npm run fans');
  });

  it('prints the summary and writes the page, the CSV and the wall (mode 600) against the stand-in', async () => {
    const { standIn } = await start();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'fans-'));
      const out = await run(process.execPath, [script, '--html', 'page.html', '--csv', 'fans.csv', '--wall', 'wall.txt'], { cwd: dir, env: env({ STRIPE_SECRET_KEY: 'sk_test_truefans_local', STRIPE_API_BASE: standIn.url }) });
      expect(out.stdout).toMatch(/^0 of [\d,]+ true fans; \$0 of \$[\d,]+ a year\n/);
      expect(out.stderr).toBe('Read 0 objects from Stripe.\n');
      expect(readFileSync(join(dir, 'page.html'), 'utf8')).toContain('<!doctype html>');
      expect(readFileSync(join(dir, 'fans.csv'), 'utf8')).toBe('email,name,tier,status,fan_since,total_paid,country,follower,wall_name\r\n');
      expect(statSync(join(dir, 'page.html')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'fans.csv')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, 'wall.txt'), 'utf8')).toBe('No names on the supporter wall yet.\n');
      expect(statSync(join(dir, 'wall.txt')).mode & 0o777).toBe(0o600);
      expect(out.stdout).toContain('Wrote 0 names on the supporter wall to wall.txt.');
    } finally {
      await standIn.close();
    }
  }, 60_000);
});
