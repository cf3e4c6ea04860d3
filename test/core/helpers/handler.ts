// Builds the handler the way an adapter would, with a frozen clock, a captured log and an in-memory store.

import { createStripeBilling } from '../../../src/billing/stripe/index.ts';
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
  store: MemoryStore;
}

export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, string>();
  readonly atomic: boolean = true;
  async putIfAbsent(key: string, value: string) {
    if (this.data.has(key)) return false;
    this.data.set(key, value);
    return true;
  }
  async get(key: string) {
    return this.data.get(key) ?? null;
  }
  async put(key: string, value: string) {
    this.data.set(key, value);
  }
  async delete(key: string) {
    this.data.delete(key);
  }
}

export function makeHandler(fixture: Fixture, env: Record<string, string | undefined> = {}, options: { store?: boolean; now?: number; fetch?: typeof fetch } = {}): TestHandler {
  const logs: string[] = [];
  const clock = { now: options.now ?? NOW };
  const store = new MemoryStore();
  const handle = createHandler({
    env: { TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_truefans_local', SITE_URL: ORIGIN, ...env },
    billing: createStripeBilling,
    assets: fixture.assets,
    now: () => clock.now,
    log: (line) => logs.push(line),
    ...(options.store ? { store } : {}),
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
