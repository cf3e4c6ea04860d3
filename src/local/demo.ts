// The whole fan journey on one machine, with no keys and no network: builds the site with a local secret,
// runs the local Stripe stand-in (or real Stripe when keys are set), the local outbox, and the Node adapter
// in front of it all. Used by `npm start` and by the browser journeys, so the tests drive what users run.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listen, type ListeningServer } from '../adapters/node/listen.ts';
import { createMemoryStore } from '../adapters/node/memory-store.ts';
import { createDistAssets } from '../adapters/node/static-files.ts';
import { contentDir, loadSite } from '../config/load.ts';
import type { SiteConfig } from '../config/site-schema.ts';
import { createStripeBilling } from '../billing/stripe/index.ts';
import { createHandler } from '../core/handler.ts';
import type { EdgeEnv } from '../core/ports.ts';
import { startStripeStandIn, type StandIn } from '../../tools/stripe-local/index.ts';
import { syncStripe } from '../stripe-sync/catalog.ts';
import { formatChanges } from '../stripe-sync/changes.ts';
import { stripeFromEnv } from '../stripe-sync/client.ts';
import { createOutbox, OUTBOX_PREFIX, type Outbox } from './outbox.ts';
import { refuseHost } from './expose.ts';
import { writeDemoTarget } from './demo-file.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const LOCAL_STRIPE_KEY = 'sk_test_truefans_local';

export interface DemoOptions {
  /** Site port (default 4321); 0 picks a free one. */
  port?: number;
  /** Where the site and the stand-in listen. Default 127.0.0.1; anything not loopback needs `unsafeExpose`. */
  host?: string;
  /** Allow a host that is not loopback (see expose.ts): the outbox and the stand-in's dashboard are open to it. */
  unsafeExpose?: boolean;
  /** Stand-in port (default 12111); 0 picks a free one. */
  stripePort?: number;
  /** Where local state lives: the secret, the build, Stripe's and the outbox's state. Default `.truefans/`. */
  stateDir?: string;
  /** Forget the stand-in's fans and the outbox's mail. */
  fresh?: boolean;
  /** Skip the build and serve what is in `<stateDir>/dist` (tests that build once). */
  skipBuild?: boolean;
  /** The content folder (default content/, or TRUEFANS_CONTENT_DIR). */
  content?: string;
  /** Environment to read keys and settings from. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The stand-in's initial clock (ms), frozen until advanced; tests use it. */
  now?: number;
  log?: (line: string) => void;
}

export interface Demo {
  url: string;
  outboxUrl: string;
  /** The stand-in, when running offline. */
  standIn: StandIn | undefined;
  outbox: Outbox;
  /** Real Stripe (keys were set) or the local stand-in. */
  mode: 'local' | 'stripe';
  /** The site's configuration (content/site.yaml), for the tips `npm start` prints. */
  site: SiteConfig;
  close(): Promise<void>;
}

export class DemoError extends Error {
  override name = 'DemoError';
}

/** A local secret, made once and kept in a git-ignored file, so a restarted demo still opens its pages. */
export function localSecret(stateDir: string): string {
  const file = join(stateDir, 'local-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(stateDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function buildSite(outDir: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build', '--outDir', outDir], {
      cwd: ROOT,
      env: { ...env, ASTRO_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const summary = output.split('\n').find((l) => l.includes('[truefans] sealed'));
      if (code === 0) {
        if (summary) log(summary.replace(/^.*\[truefans\] /, '  '));
        done();
      } else {
        fail(new DemoError(`The site did not build:\n${output.trim().split('\n').slice(-25).join('\n')}`));
      }
    });
  });
}

async function listenOrExplain(handler: Parameters<typeof listen>[0], port: number, flag: string, host: string): Promise<ListeningServer> {
  try {
    return await listen(handler, { port, host });
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      throw new DemoError(`Port ${port} is already in use. Stop the program using it, or choose another port: npm start -- ${flag} ${port + 1}`);
    }
    throw error;
  }
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const stateDir = resolve(ROOT, options.stateDir ?? '.truefans');
  const port = options.port ?? 4321;
  const host = options.host ?? '127.0.0.1';
  const refused = refuseHost(host, options.unsafeExpose ?? false, 'npm start --');
  if (refused) throw new DemoError(refused);
  const content = options.content ? resolve(options.content) : contentDir(ROOT);
  const secret = env.TRUEFANS_SECRET ?? localSecret(stateDir);
  const distDir = join(stateDir, 'dist');
  const site = loadSite(content, ROOT);

  const realStripe = Boolean(env.STRIPE_SECRET_KEY);
  if (realStripe && !env.STRIPE_WEBHOOK_SECRET) {
    throw new DemoError(
      'STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not. Set both to use real Stripe ' +
        '(e.g. `stripe listen --forward-to localhost:4321/_truefans/webhook` prints the webhook secret), or unset STRIPE_SECRET_KEY to use the local stand-in.',
    );
  }

  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    // Both ports are taken before the build, so a port in use is reported at once. The site's port comes
    // first (the stand-in's webhooks go there); its handler answers "Starting..." until it is filled in below.
    let inner: Parameters<typeof listen>[0] = async () => new Response('Starting...', { status: 503, headers: { 'retry-after': '1' } });
    const outbox = createOutbox({ stateFile: join(stateDir, 'outbox.json') });
    if (options.fresh) outbox.clear();
    const server = await listenOrExplain(
      (request, context) => (new URL(request.url).pathname.startsWith(`${OUTBOX_PREFIX}/`) || new URL(request.url).pathname === OUTBOX_PREFIX ? outbox.handle(request) : inner(request, context)),
      port,
      '--port',
      host,
    );
    closers.push(() => server.close());
    const origin = server.url.replace('127.0.0.1', 'localhost');

    let standIn: StandIn | undefined;
    let edgeEnv: EdgeEnv;
    if (realStripe) {
      edgeEnv = { ...env, TRUEFANS_SECRET: secret, SITE_URL: env.SITE_URL ?? origin };
    } else {
      const webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
      try {
        standIn = await startStripeStandIn({
          port: options.stripePort ?? 12111,
          host,
          stateFile: join(stateDir, 'stripe-state.json'),
          fresh: options.fresh ?? false,
          webhook: { url: `${origin}/_truefans/webhook`, secret: webhookSecret },
          ...(options.now !== undefined ? { now: options.now } : {}),
        });
      } catch (error) {
        if ((error as { code?: string }).code === 'EADDRINUSE') {
          throw new DemoError(`Port ${options.stripePort ?? 12111} (the local Stripe) is already in use. Choose another: npm start -- --stripe-port 12112`);
        }
        throw error;
      }
      const running = standIn;
      closers.push(() => running.close());
      edgeEnv = {
        ...env,
        TRUEFANS_SECRET: secret,
        STRIPE_SECRET_KEY: LOCAL_STRIPE_KEY,
        STRIPE_API_BASE: running.url,
        STRIPE_WEBHOOK_SECRET: webhookSecret,
        SITE_URL: origin,
        EMAIL_PROVIDER: 'outbox',
        TRUEFANS_OUTBOX_URL: `${server.url}${OUTBOX_PREFIX}/messages`,
        EMAIL_FROM: env.EMAIL_FROM ?? 'truefans (local) <hello@example.com>',
        CREATOR_EMAIL: env.CREATOR_EMAIL ?? 'creator@example.com',
      };
    }
    if (!options.skipBuild) {
      log('Building the site (members-only parts are sealed with a local secret in .truefans/local-secret)...');
      await buildSite(distDir, { ...env, TRUEFANS_PLATFORMS: 'none', TRUEFANS_SECRET: secret, TRUEFANS_CONTENT_DIR: content, TRUEFANS_CACHE_DIR: join(stateDir, 'cache') }, log);
    }
    // With the stand-in, the edge shares its clock, so advancing it (on its home page or in a test)
    // moves renewals and the edge's re-check interval together, as a real month would.
    const clock = standIn?.clock;
    inner = createHandler({
      env: edgeEnv,
      billing: createStripeBilling,
      assets: createDistAssets(distDir),
      store: createMemoryStore(clock ? () => clock.now() : Date.now),
      ...(clock ? { now: () => clock.now() } : {}),
    });
    if (standIn) {
      // After the edge is in place: syncing sends webhooks (product.created...) to it, which would
      // otherwise meet the "Starting..." answer and be retried.
      const stripe = stripeFromEnv({ STRIPE_SECRET_KEY: LOCAL_STRIPE_KEY, STRIPE_API_BASE: standIn.url });
      const changes = await syncStripe(stripe, site);
      const changed = changes.filter((c) => c.kind !== 'unchanged');
      if (changed.length) log(formatChanges(changed).replace(/^/gm, '  '));
    }
    // `npm run send -- --demo` reads where everything listens from here (src/local/demo-file.ts).
    const forget = writeDemoTarget(stateDir, {
      site: origin,
      outbox: `${server.url}${OUTBOX_PREFIX}/messages`,
      ...(standIn ? { stripeApiBase: standIn.url, stripeKey: LOCAL_STRIPE_KEY } : {}),
      dist: distDir,
    });
    closers.push(async () => forget());
    return { url: origin, outboxUrl: `${origin}${OUTBOX_PREFIX}/`, standIn, outbox, mode: realStripe ? 'stripe' : 'local', site, close };
  } catch (error) {
    await close();
    throw error;
  }
}
