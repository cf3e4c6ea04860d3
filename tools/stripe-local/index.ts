// The local Stripe stand-in: a stateful, Stripe-compatible server for development, the demo and tests.
// The real `stripe` package talks to it unchanged; only the host, the port and the keys differ.
import type { AddressInfo } from 'node:net';
import type { Fault } from './api.ts';
import { createHandler } from './app.ts';
import { processDue } from './billing.ts';
import { Clock } from './clock.ts';
import { Engine } from './engine.ts';
import { serve } from './server.ts';
import { emptyState, loadState, prune, rebase, saveState, Store, type StateData } from './state.ts';
import { WebhookQueue } from './webhooks.ts';

export interface StandInOptions {
  /** 0 = any free port (tests); the CLI defaults to 12111. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Persist state as JSON here (git-ignored, e.g. .truefans/stripe-state.json); omit = memory only. */
  stateFile?: string;
  /** Ignore any existing state file. */
  fresh?: boolean;
  /** Start from these objects instead of a state file (a benchmark seeds 10,000 fans this way, in-process). */
  state?: StateData;
  /** Told of every API request (method, path), for counting what a client asks of Stripe. */
  onRequest?: (method: string, path: string) => void;
  /** Where events are POSTed, and the whsec_ secret they are signed with. */
  webhook?: { url: string; secret: string };
  /** The API key clients must send (default 'sk_test_truefans_local'); others get 401 like Stripe. */
  secretKey?: string;
  /** Initial clock, ms since epoch. Given: the clock is frozen there and moves only when told. Omitted: wall clock. */
  now?: number;
  /**
   * Customer search's indexing lag in seconds (default 2). Stripe: "data is searchable in under 1 minute"
   * and later during outages (docs.stripe.com/search, Data freshness), so code must not rely on search
   * right after a write. A small default keeps that visible in every test that searches.
   */
  searchLagSeconds?: number;
  /** Refuse every search, as Stripe does for accounts in India ("Search isn't available to merchants in India"). */
  searchUnavailable?: boolean;
  /** Waits before each webhook retry (default [250, 1000, 4000]: four attempts in all). */
  webhookRetryDelaysMs?: readonly number[];
}

export interface FaultSpec {
  /** The status to answer with (500, 503, 429...). Omitted: answer normally, after `delayMs`. */
  status?: number;
  /** Wait this long first (a slow or hanging Stripe, for timeout tests). */
  delayMs?: number;
  /** How many matching calls fail (default 1). */
  times?: number;
  /** Only calls whose method and path match, e.g. { method: 'GET', path: /^\/v1\/subscriptions/ }. */
  method?: string;
  path?: string | RegExp;
}

export interface StandIn {
  /** e.g. 'http://127.0.0.1:43123'. */
  url: string;
  /** Spread into `new Stripe(key, {...})`. */
  stripeOptions: { host: string; port: number; protocol: 'http' };
  /** Advancing runs renewals, trial ends, period-end cancels, and sends their webhooks. */
  clock: { now(): number; advance(seconds: number): Promise<void>; set(ms: number): Promise<void> };
  webhooks: { flush(): Promise<void>; sent: ReadonlyArray<{ id: string; type: string; status: number | 'error'; attempts: number }> };
  setWebhook(target: { url: string; secret: string } | undefined): void;
  /** Makes the next API calls fail or stall, as Stripe does in an outage. */
  faults: { inject(fault: FaultSpec): void; clear(): void };
  close(): Promise<void>;
}

export const DEFAULT_SECRET_KEY = 'sk_test_truefans_local';
export const DEFAULT_PORT = 12111;

export async function startStripeStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const host = options.host ?? '127.0.0.1';
  const loaded = options.state ?? (options.stateFile && !options.fresh ? loadState(options.stateFile) : undefined);
  const clockState =
    options.now !== undefined
      ? { frozen: true, ms: options.now }
      : loaded && !loaded.clock.frozen
        ? loaded.clock
        : { frozen: false, ms: 0 };
  const data = loaded ?? emptyState(clockState);
  const clock = new Clock(clockState);
  const store = new Store(data);
  const webhooks = new WebhookQueue({
    retryDelaysMs: options.webhookRetryDelaysMs ?? [250, 1000, 4000],
    nowSec: () => clock.nowSec(),
  });
  const engine = new Engine(store, clock, webhooks, options.webhook);
  engine.searchLagSeconds = options.searchLagSeconds ?? 2;
  engine.searchUnavailable = options.searchUnavailable ?? false;

  const save = () => {
    data.clock = clock.state();
    prune(data, clock.nowSec());
    if (options.stateFile) saveState(options.stateFile, data);
  };
  const saveIfChanged = () => {
    if (store.takeDirty()) save();
  };

  const faults: (FaultSpec & { left: number })[] = [];
  const takeFault = (method: string, path: string): Fault | undefined => {
    options.onRequest?.(method, path);
    const index = faults.findIndex(
      (fault) =>
        (!fault.method || fault.method.toUpperCase() === method) &&
        (!fault.path || (typeof fault.path === 'string' ? path.startsWith(fault.path) : fault.path.test(path))),
    );
    const fault = faults[index];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) faults.splice(index, 1);
    return { status: fault.status ?? 0, delayMs: fault.delayMs ?? 0 };
  };

  const moveTo = async (targetMs: number) => {
    if (targetMs < clock.nowMs()) throw new Error('The Stripe stand-in clock only moves forward (as Stripe test clocks do).');
    processDue(engine, Math.floor(targetMs / 1000));
    clock.setMs(targetMs);
    store.touch();
    saveIfChanged();
    await webhooks.flush();
  };

  const secretKey = options.secretKey ?? DEFAULT_SECRET_KEY;
  const handler = createHandler(engine, {
    secretKey,
    takeFault,
    advanceClock: (seconds) => moveTo(clock.nowMs() + seconds * 1000),
    sent: webhooks.sent,
  });
  const server = serve(handler, saveIfChanged);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  engine.baseUrl = url;
  rebase(data, url);
  store.touch();
  saveIfChanged();

  return {
    url,
    stripeOptions: { host, port, protocol: 'http' },
    clock: {
      now: () => clock.nowMs(),
      advance: (seconds) => moveTo(clock.nowMs() + seconds * 1000),
      set: (ms) => moveTo(ms),
    },
    webhooks: { flush: () => webhooks.flush(), sent: webhooks.sent },
    setWebhook(target) {
      engine.target = target;
    },
    faults: {
      inject(fault) {
        faults.push({ ...fault, left: fault.times ?? 1 });
      },
      clear() {
        faults.length = 0;
      },
    },
    async close() {
      webhooks.close();
      saveIfChanged();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
