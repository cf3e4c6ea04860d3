// `npm run dev` shows members-only parts to the creator, under a visible "previewing as a member" banner,
// and seals nothing. Runs Astro's real dev server on the canary fixture.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/build-site.ts';

let dev: ChildProcess;
let base = '';

beforeAll(async () => {
  dev = spawn(process.execPath, [join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'dev', '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
    // A creator's shell, not vitest's (whose NODE_ENV and VITEST variables change how Astro's dev server runs).
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TRUEFANS_CONTENT_DIR: join(ROOT, 'test/fixtures/canary-site'), TRUEFANS_CACHE_DIR: join(tempDir(), 'cache'), ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', TRUEFANS_SECRET: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  base = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`dev server did not start:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d;
      const url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    dev.stdout!.on('data', onData);
    dev.stderr!.on('data', onData);
    dev.on('exit', (code) => reject(new Error(`dev server exited (${code}):\n${output}`)));
  });
}, 90_000);

afterAll(() => {
  dev?.kill('SIGTERM');
});

const page = async (path: string) => (await fetch(`${base}${path}`)).text();

describe('npm run dev', () => {
  it('shows the part after a Markdown divider under the preview banner, without a paywall', async () => {
    const html = await page('/posts/divider/');
    expect(html).toContain('Previewing as a member');
    expect(html).toContain('CANARY-DIVIDER-2a9f');
    expect(html).not.toContain('data-truefans-envelope');
    expect(html).not.toMatch(/<truefans-locked data-tier=/);
  });

  it('shows MDX members-only blocks and fully gated posts under the banner', async () => {
    const blocks = await page('/posts/blocks/');
    expect(blocks).toContain('CANARY-MDX-44f0');
    expect(blocks).toContain('CANARY-MDXTIER-b3a8');
    expect(blocks.match(/Previewing as a member/g)?.length).toBeGreaterThanOrEqual(2);
    const full = await page('/posts/full-members/');
    expect(full).toContain('CANARY-FULL-7c1e');
    expect(full).toContain('Previewing as a member');
  });
}, 60_000);
