// A tiny Stripe-shaped server the tests control, for what the stand-in cannot be asked to do: answer 500,
// 429, or nothing at all, and hold subscriptions in every status Stripe has (paused, incomplete_expired...).
// Its objects are Stripe's own published fixtures (test/core/fixtures/stripe-objects.json) with the
// fields under test changed. The real `stripe` package talks to it over HTTP.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/stripe-objects.json', import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;

export type Mode = 'ok' | 500 | 429 | 'hang' | 401;

export interface FakeStripe {
  base: string;
  mode: Mode;
  /** Subscriptions returned for any customer in 'ok' mode: [tier, status]. */
  subscriptions: Array<[string, string]>;
  requests: string[];
  close(): Promise<void>;
}

export function subscriptionFixture(customer: string, tier: string, status: string, i = 0): Record<string, unknown> {
  const sub = structuredClone(fixtures.subscription!) as Record<string, any>;
  sub.id = `sub_fake${i}`;
  sub.customer = customer;
  sub.status = status;
  sub.items.data[0].price.lookup_key = `truefans:tier:${tier}:month`;
  return sub;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const state: FakeStripe = { base: '', mode: 'ok', subscriptions: [], requests: [], close: async () => {} };
  const hanging = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    state.requests.push(`${req.method} ${req.url}`);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake' });
      res.end(JSON.stringify(body));
    };
    if (state.mode === 'hang') {
      hanging.add(res);
      return;
    }
    if (state.mode === 500) return json(500, { error: { type: 'api_error', message: 'Something went wrong on our end.' } });
    if (state.mode === 429) return json(429, { error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests.' } });
    if (state.mode === 401) return json(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v1/subscriptions') {
      const customer = url.searchParams.get('customer') ?? 'cus_any';
      return json(200, { object: 'list', url: '/v1/subscriptions', has_more: false, data: state.subscriptions.map(([tier, status], i) => subscriptionFixture(customer, tier, status, i)) });
    }
    if (url.pathname === '/v1/checkout/sessions') return json(200, { object: 'list', url: '/v1/checkout/sessions', has_more: false, data: [] });
    return json(404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such resource.' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
