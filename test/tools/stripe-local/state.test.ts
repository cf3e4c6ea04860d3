// Persistence: a restarted stand-in keeps its fans; `fresh` starts clean; writes are atomic.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startStripeStandIn } from '../../../tools/stripe-local/index.ts';
import { DAY, T0, client, makeTier, pay, portalConfiguration } from './helpers.ts';
import { lookupKey } from '../../../src/core/manifest.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'truefans-stripe-'));
  dirs.push(dir);
  return join(dir, 'nested', 'stripe-state.json');
}

describe('state', () => {
  it('keeps customers, subscriptions and sessions across a restart', async () => {
    const file = stateFile();
    const first = await startStripeStandIn({ port: 0, now: T0, stateFile: file });
    const stripe = client(first);
    const tier = await makeTier(stripe);
    const { month } = tier;
    const configuration = await portalConfiguration(stripe, [tier]);
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    await pay(session, { email: 'kept@example.com' });
    await first.close();
    expect(readdirSync(join(file, '..'))).toEqual(['stripe-state.json']);

    const second = await startStripeStandIn({ port: 0, now: T0 + DAY * 1000, stateFile: file });
    const again = client(second);
    const customers = await again.customers.list({ email: 'kept@example.com' });
    expect(customers.data).toHaveLength(1);
    const subscriptions = await again.subscriptions.list({ customer: customers.data[0]!.id });
    expect(subscriptions.data[0]?.status).toBe('active');
    expect((await again.checkout.sessions.retrieve(session.id)).status).toBe('complete');

    expect((await again.prices.list({ lookup_keys: [lookupKey.tier('supporter', 'month')] })).data).toHaveLength(1);
    // The hosted pages now live at the new address.
    const portal = await again.billingPortal.sessions.create({ customer: customers.data[0]!.id, configuration: configuration.id });
    expect(portal.url.startsWith(second.url)).toBe(true);
    await second.clock.advance(31 * DAY);
    expect((await again.invoices.list({ customer: customers.data[0]!.id })).data).toHaveLength(2);
    const open = await again.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    expect(open.url?.startsWith(second.url)).toBe(true);
    await second.close();

    // A third start on yet another port moves the links of sessions that are still open.
    const third = await startStripeStandIn({ port: 0, now: T0 + 32 * DAY * 1000 + 3_600_000, stateFile: file });
    const moved = await client(third).checkout.sessions.retrieve(open.id);
    expect(moved.url).toBe(`${third.url}/c/pay/${open.id}`);
    expect((await fetch(moved.url!)).status).toBe(200);
    await third.close();

    const fresh = await startStripeStandIn({ port: 0, now: T0, stateFile: file, fresh: true });
    expect((await client(fresh).customers.list()).data).toEqual([]);
    await fresh.close();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { objects: { customer: object } };
    expect(saved.objects.customer).toEqual({});
  });

  it('names the file when it cannot read it', async () => {
    const file = stateFile();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, '{ not json');
    await expect(startStripeStandIn({ port: 0, stateFile: file })).rejects.toThrow(
      `The Stripe stand-in's state file ${file} is not valid JSON. Delete it or start with --fresh.`,
    );
    const fresh = await startStripeStandIn({ port: 0, stateFile: file, fresh: true });
    await fresh.close();
  });

  it('forgets events after 30 days, as Stripe does', async () => {
    const standIn = await startStripeStandIn({ port: 0, now: T0, stateFile: stateFile() });
    const stripe = client(standIn);
    await stripe.customers.create({ email: 'old@example.com' });
    const [old] = (await stripe.events.list()).data;
    await standIn.clock.advance(29 * DAY);
    expect((await stripe.events.retrieve(old!.id)).id).toBe(old!.id);
    await standIn.clock.advance(2 * DAY);
    await expect(stripe.events.retrieve(old!.id)).rejects.toThrow(`No such event: '${old!.id}'`);
    await standIn.close();
  });

  it('keeps memory-only state when no file is given', async () => {
    const standIn = await startStripeStandIn({ port: 0, now: T0 });
    await client(standIn).customers.create({ email: 'a@example.com' });
    await standIn.close();
    const next = await startStripeStandIn({ port: 0, now: T0 });
    expect((await client(next).customers.list()).data).toEqual([]);
    await next.close();
  });
});
