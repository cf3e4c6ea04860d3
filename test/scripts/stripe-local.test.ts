// The CLI: starts on the port given, prints its URL, keeps state in the file, stops cleanly on Ctrl-C,
// and says what to do when the port is taken.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY } from '../tools/stripe-local/helpers.ts';

const SCRIPT = join(import.meta.dirname, '../../scripts/stripe-local.ts');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]) {
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STRIPE_SECRET_KEY: '' } });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const printed = async (pattern: RegExp) => {
    for (let i = 0; i < 200 && !pattern.test(out); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    return pattern.exec(out);
  };
  return { child, exited, printed, output: () => out };
}

describe('scripts/stripe-local.ts', () => {
  it('serves, keeps state and stops on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'truefans-cli-'));
    dirs.push(dir);
    const state = join(dir, 'state.json');
    const cli = run(['--port', '0', '--state', state, '--fresh']);
    const match = await cli.printed(/Local Stripe stand-in on http:\/\/127\.0\.0\.1:(\d+)/);
    expect(match, cli.output()).not.toBeNull();
    const stripe = new Stripe(KEY, { host: '127.0.0.1', port: Number(match![1]), protocol: 'http', httpClient: Stripe.createFetchHttpClient(), maxNetworkRetries: 0 });
    const customer = await stripe.customers.create({ email: 'cli@example.com' });
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { objects: { customer: Record<string, unknown> } };
    expect(Object.keys(saved.objects.customer)).toEqual([customer.id]);
  });

  it('names a taken port and how to choose another', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'truefans-cli-'));
    dirs.push(dir);
    const cli = run(['--port', String(port), '--state', join(dir, 'state.json')]);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain(`Port ${port} is in use. Choose another with --port, e.g. --port ${port + 1}.`);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });
});
