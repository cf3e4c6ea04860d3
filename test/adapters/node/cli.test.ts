// The self-hosting CLI as a process: it prints its URL, serves, exits 0 on SIGTERM after finishing, and
// explains a bad port or a port in use; and the one-file bundle `npm run serve` and the Docker image run
// does the same.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../../src/adapters/node/cli.ts', import.meta.url));
let dist: string;

beforeAll(() => {
  dist = mkdtempSync(path.join(tmpdir(), 'truefans-cli-'));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Home</title><p>Served by the CLI.</p>');
});
afterAll(() => rmSync(dist, { recursive: true, force: true }));

function run(args: string[], entry: string[] = [CLI]) {
  const child = spawn(process.execPath, [...entry, '--dist', dist, ...args], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(out)));
  });
  url.catch(() => undefined);
  return { child, exited, url, output: () => out };
}

describe('node src/adapters/node/cli.ts', () => {
  it('serves dist/ and exits 0 on SIGTERM', async () => {
    const cli = run(['--port', '0']);
    const url = await cli.url;
    expect(await (await fetch(`${url}/`)).text()).toContain('Served by the CLI.');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(/SIGTERM: finishing in-flight requests, then stopping\./);
  });

  it('explains a port that is not a number', async () => {
    const cli = run(['--port', 'eighty']);
    expect(await cli.exited).toBe(2);
    expect(cli.output().trim()).toMatchInlineSnapshot(`"--port must be a whole number from 0 to 65535, got "eighty"."`);
  });

  it('explains a port in use and names the flag to pick another', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const cli = run(['--port', String(port)]);
      expect(await cli.exited).toBe(1);
      expect(cli.output().trim().replace(String(port), '<port>').replace(String(port + 1), '<port+1>')).toMatchInlineSnapshot(`"Port <port> is already in use. Choose another with --port, for example --port <port+1>."`);
    } finally {
      taken.close();
    }
  });
});

describe('sh scripts/bundle-server.sh (what npm run serve and the Dockerfile run)', () => {
  it('makes one file that serves dist/ with the flags scripts/serve.sh gives it, and stops on SIGTERM', async () => {
    const out = path.join(dist, '..', `truefans-server-${process.pid}.mjs`);
    try {
      const made = spawnSync('sh', [fileURLToPath(new URL('../../../scripts/bundle-server.sh', import.meta.url)), out], { encoding: 'utf8' });
      expect(made.status, made.stderr).toBe(0);
      const cli = run(['--port', '0'], ['--max-semi-space-size=8', out]);
      const url = await cli.url;
      const res = await fetch(`${url}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Served by the CLI.');
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    } finally {
      rmSync(out, { force: true });
    }
  });
});
