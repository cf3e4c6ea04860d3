// `npm start` as a user runs it: it prints one URL, serves the site, says clearly when a port is taken,
// and stops everything on Ctrl-C (SIGINT).
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { networkInterfaces } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/build-site.ts';

const cleanEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ASTRO_TELEMETRY_DISABLED: '1' };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function start(args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/start.ts'), ...args], { cwd: ROOT, env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, ms = 90_000) => {
    const until = Date.now() + ms;
    while (!pattern.test(output)) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${pattern}:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, exited, waitFor, output: () => output };
}

const blockers: Server[] = [];
afterAll(() => blockers.forEach((b) => b.close()));

describe('npm start', () => {
  it('prints one URL and what to try, serves the site, and stops cleanly on Ctrl-C', async () => {
    const [port, stripePort] = [await freePort(), await freePort()];
    const run = start(['--port', String(port), '--stripe-port', String(stripePort), '--state', tempDir()]);
    await run.waitFor(/Press Ctrl-C to stop/);
    expect(run.output()).toContain(`truefans is running at http://localhost:${port}/`);
    expect(run.output()).toContain('4242 4242 4242 4242');
    // The tips name the example site's own tiers and prices, from content/site.yaml.
    expect(run.output()).toContain('Join a tier: Listener ($5 a month or $50 a year), True Fan ($7 a month or $70 a year, after a 7-day free trial)');
    const home = await fetch(`http://127.0.0.1:${port}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Maren Holt');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    // Both ports are free again.
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${stripePort}/`)).rejects.toThrow();
  }, 120_000);

  it('says which port is taken and how to choose another', async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    blockers.push(blocker);
    await new Promise((r) => blocker.once('listening', r));
    const run = start(['--port', String(port), '--state', tempDir()]);
    expect(await run.exited).toBe(1);
    expect(run.output()).not.toContain('Building the site'); // before the build, not after it
    expect(run.output()).toContain(`Port ${port} is already in use. Stop the program using it, or choose another port: npm start -- --port ${port + 1}`);
    expect(run.output()).not.toMatch(/\n\s+at /); // no stack trace
  }, 120_000);

  it('listens on loopback only, and says so', async () => {
    const [port, stripePort] = [await freePort(), await freePort()];
    const run = start(['--port', String(port), '--stripe-port', String(stripePort), '--state', tempDir()]);
    await run.waitFor(/Press Ctrl-C to stop/);
    expect(run.output()).toContain('Listening on 127.0.0.1 only: other machines cannot reach it');
    // Not on the machine's other addresses.
    const other = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (other) {
      await expect(fetch(`http://${other}:${port}/`)).rejects.toThrow();
      await expect(fetch(`http://${other}:${stripePort}/`)).rejects.toThrow();
    }
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  }, 120_000);

  it('refuses another address without --unsafe-expose, before building, and says how', async () => {
    const port = await freePort();
    const run = start(['--port', String(port), '--host', '0.0.0.0', '--state', tempDir()]);
    expect(await run.exited).toBe(1);
    expect(run.output()).not.toContain('Building the site');
    expect(run.output()).toContain('Refusing to listen on 0.0.0.0');
    expect(run.output()).toContain('npm start -- --host 0.0.0.0 --unsafe-expose');
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  }, 120_000);

  it('the stand-in on its own refuses another address the same way', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/stripe-local.ts'), '--port', '0', '--host', '0.0.0.0', '--state', join(tempDir(), 's.json')], { cwd: ROOT, env: cleanEnv });
    let output = '';
    child.stderr.on('data', (d: Buffer) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(output).toContain('npm run stripe:local -- --host 0.0.0.0 --unsafe-expose');
  }, 60_000);
});
