import { client } from '../../tools/stripe-local/helpers.ts';
// What every runtime under test talks to over 127.0.0.1: the local Stripe stand-in (with the fixture's
// prices created through the real stripe package, as `npm run stripe:sync` would) and a small outbox that
// records the emails the function sends.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { startStripeStandIn, DEFAULT_SECRET_KEY, type StandIn } from '../../../tools/stripe-local/index.ts';
import { lookupKey, type Manifest } from '../../../src/core/manifest.ts';

export const WEBHOOK_SECRET = 'whsec_truefans_contract_suite';

export interface Email {
  to: string;
  subject: string;
  text: string;
  kind: string;
}

export interface Outbox {
  url: string;
  emails: Email[];
  /** Waits for an email to `to` of `kind` (sent in the background, after the response), among those from index `from` on. */
  waitFor(to: string, kind: string, timeoutMs?: number, from?: number): Promise<Email>;
  close(): Promise<void>;
}

async function startOutbox(): Promise<Outbox> {
  const emails: Email[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      emails.push(JSON.parse(body) as Email);
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/outbox`,
    emails,
    async waitFor(to, kind, timeoutMs = 10_000, from = 0) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = emails.slice(from).find((e) => e.to.toLowerCase() === to.toLowerCase() && e.kind === kind);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no "${kind}" email to ${to} arrived within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Services {
  standIn: StandIn;
  stripe: Stripe;
  outbox: Outbox;
  /** The environment every runtime gets, besides TRUEFANS_SECRET. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startServices(manifest: Manifest): Promise<Services> {
  const standIn = await startStripeStandIn({ port: 0 });
  const stripe = client(standIn);
  for (const tier of manifest.tiers) {
    const product = await stripe.products.create({ name: tier.name });
    for (const [interval, amount] of [['month', tier.monthly], ['year', tier.yearly]] as const) {
      if (amount === undefined) continue;
      await stripe.prices.create({ product: product.id, unit_amount: amount, currency: manifest.site.currency, recurring: { interval }, lookup_key: lookupKey.tier(tier.id, interval) });
    }
  }
  const outbox = await startOutbox();
  return {
    standIn,
    stripe,
    outbox,
    env: {
      STRIPE_SECRET_KEY: DEFAULT_SECRET_KEY,
      STRIPE_API_BASE: standIn.url,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      EMAIL_PROVIDER: 'outbox',
      TRUEFANS_OUTBOX_URL: outbox.url,
    },
    async close() {
      await outbox.close();
      await standIn.close();
    },
  };
}
