// One running demo (the built site behind the Node adapter, the local Stripe stand-in and the outbox, as
// `npm start` runs them) and one headless Chromium per test file; a fresh browser context per fan, and a
// screenshot of every open page when a journey fails.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { localSecret, ROOT, startDemo, type Demo } from '../../src/local/demo.ts';
import type { StandIn } from '../../tools/stripe-local/index.ts';
import { launchBrowser } from './browser.ts';

/** The frozen start of the stand-in's clock (and so the edge's): 20 November 2026, noon UTC. */
export const NOW = Date.UTC(2026, 10, 20, 12);
/** Where failed journeys leave their screenshots (git-ignored). */
export const RESULTS_DIR = join(ROOT, 'test-results');
/** Bounded waits for one step in the browser: a click, a navigation, a text to appear. */
export const STEP_TIMEOUT_MS = 15_000;
/** The edge re-checks a fan with Stripe at most this often (TRUEFANS_RECHECK_SECONDS, pinned to its default). */
export const RECHECK_SECONDS = 3600;

/**
 * The environment the demo reads, without whatever this shell has set for real use: no Stripe keys (the
 * journeys need the stand-in), no secret (a fresh local one per run), the local mail addresses.
 */
export function demoEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TRUEFANS_RECHECK_SECONDS: String(RECHECK_SECONDS) };
  for (const key of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'TRUEFANS_SECRET', 'TRUEFANS_PREVIOUS_SECRET', 'SITE_URL', 'EMAIL_FROM', 'CREATOR_EMAIL']) delete env[key];
  return env;
}

export interface Fixture {
  demo: Demo;
  /** The demo's local secret (src/local/demo.ts localSecret), to sign what `npm run send` would (unsubscribe links). */
  secret: string;
  /** Where the demo keeps its state (`npm start -- --state`): `npm run send -- --demo` finds it there. */
  stateDir: string;
  standIn: StandIn;
  browser: Browser;
  close(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  const stateDir = mkdtempSync(join(tmpdir(), 'truefans-e2e-'));
  let demo: Demo | undefined;
  let browser: Browser | undefined;
  try {
    demo = await startDemo({ port: 0, stripePort: 0, stateDir, fresh: true, now: NOW, content: join(ROOT, 'content'), env: demoEnv(), log: () => {} });
    browser = await launchBrowser();
  } catch (error) {
    await demo?.close();
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
  const running = { demo, browser };
  return {
    demo,
    secret: localSecret(stateDir),
    stateDir,
    standIn: demo.standIn!,
    browser,
    async close() {
      await running.browser.close().catch(() => undefined);
      await running.demo.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** A new fan: their own browser context (own cookies), one page in it. */
export async function newFan(fixture: Fixture, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await fixture.browser.newContext({ baseURL: fixture.demo.url, ...options });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return { context, page: await context.newPage() };
}

/**
 * Runs one journey; when it fails, saves what each open page of the fan's context showed at that
 * moment (test-results/<name>.png, then <name>-2.png...) and rethrows.
 */
export async function journey<T>(name: string, context: BrowserContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase();
    let n = 0;
    for (const page of context.pages()) {
      n += 1;
      const path = join(RESULTS_DIR, `${file}${n > 1 ? `-${n}` : ''}.png`);
      await page.screenshot({ path, fullPage: true, timeout: 5_000 }).catch(() => undefined);
    }
    throw error;
  }
}

/** A unique address and name per fan, so no two fans share a Stripe customer or an email in the outbox. */
let fans = 0;
export function fanIdentity(label: string): { email: string; name: string } {
  fans += 1;
  return { email: `${label}-${fans}@example.com`, name: `Fan ${fans} (${label})` };
}
