// Builds the handler the way an adapter would, with a frozen clock, a captured log and an in-memory store;
// the billing is Stripe's (over the stand-in) unless a test passes another (helpers/memory-billing.ts).

import { createStripeBilling } from '../../../src/billing/stripe/index.ts';
import type { BillingFactory } from '../../../src/core/billing.ts';
import { createMemoryStore } from '../../../src/adapters/node/memory-store.ts';
import { createHandler } from '../../../src/core/handler.ts';
import type { Handler, KeyValueStore } from '../../../src/core/ports.ts';
import { createKeyring } from '../../../src/core/crypto/keys.ts';
import { signSession } from '../../../src/core/tokens/session.ts';
import type { Entitlements } from '../../../src/core/access.ts';
import { SECRET, type Fixture } from './site.ts';

export const ORIGIN = 'https://mira.example';
/** 2026-11-22T12:00:00Z, the frozen "now" of every test. */
export const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

export interface TestHandler {
  handle: Handler;
  logs: string[];
  clock: { now: number };
  store: TestStore;
}

/**
 * The Node adapter's own memory store (src/adapters/node/memory-store.ts) on the test's clock, with a log
 * of every write, so a test can see everything that was ever stored (abuse.test.ts: never a raw IP).
 */
export interface TestStore extends KeyValueStore {
  readonly written: Map<string, string>;
}

export function testStore(now: () => number = () => NOW, store: KeyValueStore = createMemoryStore(now)): TestStore {
  const written = new Map<string, string>();
  return {
    written,
    get atomic() {
      return store.atomic;
    },
    get: (key) => store.get(key),
    delete: (key) => store.delete(key),
    async put(key, value, options) {
      written.set(key, value);
      await store.put(key, value, options);
    },
    async putIfAbsent(key, value, options) {
      const won = await store.putIfAbsent(key, value, options);
      if (won) written.set(key, value);
      return won;
    },
  };
}

/** Whether the handler has a store; a function reshapes the test store (say, into a non-atomic one). */
export type StoreOption = boolean | ((store: KeyValueStore) => KeyValueStore);

export function makeHandler(fixture: Fixture, env: Record<string, string | undefined> = {}, options: { store?: StoreOption; now?: number; fetch?: typeof fetch; billing?: BillingFactory } = {}): TestHandler {
  const logs: string[] = [];
  const clock = { now: options.now ?? NOW };
  const store = testStore(() => clock.now);
  const given = typeof options.store === 'function' ? options.store(store) : store;
  const handle = createHandler({
    env: { TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_truefans_local', SITE_URL: ORIGIN, ...env },
    billing: options.billing ?? createStripeBilling,
    assets: fixture.assets,
    now: () => clock.now,
    log: (line) => logs.push(line),
    ...(options.store ? { store: given } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { handle, logs, clock, store };
}

export function request(path: string, init: RequestInit & { cookie?: string; origin?: string | null } = {}): Request {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set('cookie', init.cookie);
  if (init.method === 'POST' && init.origin !== null) headers.set('origin', init.origin ?? ORIGIN);
  return new Request(path.startsWith('http') ? path : `${ORIGIN}${path}`, { ...init, headers });
}

export function form(path: string, fields: Record<string, string>, init: { cookie?: string; origin?: string | null; headers?: Record<string, string> } = {}): Request {
  return request(path, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded', ...init.headers }, cookie: init.cookie, origin: init.origin });
}

/** The `name=value` pairs a response sets, for the next request's Cookie header. */
export function cookiesFrom(response: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    out.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
  return out;
}

export function cookieHeader(cookies: Map<string, string>): string {
  return [...cookies].filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join('; ');
}

/** A session cookie as the handler would set it, minted with the test secret. */
export async function sessionFor(customer: string, ent: Entitlements, checkedAtMs: number, options: { secret?: string; nowMs?: number } = {}): Promise<string> {
  const keyring = await createKeyring(options.secret ?? SECRET);
  const now = Math.floor((options.nowMs ?? checkedAtMs) / 1000);
  const token = await signSession(keyring, ORIGIN, { customer, ent, checkedAt: Math.floor(checkedAtMs / 1000), now, days: 30 });
  return `__Host-truefans=${token}`;
}
