// Runs a real `astro build` of this project with another content folder, in a child process, into a
// temporary output folder with its own cache. Returns the exit code and everything it printed.

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
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

/** A copy of this project (its code, not its content) at `<parent>/<name>`, sharing node_modules by a link. */
export function copyProject(parent: string, name = 'project'): string {
  const project = join(parent, name);
  mkdirSync(project, { recursive: true });
  for (const entry of ['astro.config.mjs', 'package.json', 'tsconfig.json', 'src', 'public', 'scripts']) cpSync(join(ROOT, entry), join(project, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'));
  return project;
}

/** Runs `node <args>` in `cwd` with exactly `env` (plus PATH and HOME), and collects what it printed. */
export function runNode(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => done({ code, output }));
  });
}
