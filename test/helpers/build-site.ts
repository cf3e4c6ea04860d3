// Runs a real `astro build` of this project with another content folder, in a child process, into a
// temporary output folder with its own cache. Returns the exit code and everything it printed.

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const TEST_SECRET = 'k3J9vQxW2mZpL8rT5yN1bH6cF4dS7gA0eU2iO9wE3qR';

export interface BuildResult {
  code: number | null;
  output: string;
  outDir: string;
}

export function tempDir(prefix = 'truefans-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function buildSite(options: { content: string; outDir?: string; env?: Record<string, string | undefined>; args?: string[] }): Promise<BuildResult> {
  const work = tempDir('truefans-build-');
  const outDir = options.outDir ?? join(work, 'dist');
  const env: Record<string, string | undefined> = {
    ...process.env,
    TRUEFANS_SECRET: TEST_SECRET,
    TRUEFANS_CONTENT_DIR: resolve(ROOT, options.content),
    TRUEFANS_CACHE_DIR: join(work, 'cache'),
    ASTRO_TELEMETRY_DISABLED: '1',
    // Platform bundles are tested on their own (test/adapters); these builds test the site and sealing.
    TRUEFANS_PLATFORMS: 'none',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    ...options.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build', '--outDir', outDir, ...(options.args ?? [])], {
      cwd: ROOT,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => done({ code, output, outDir }));
  });
}
