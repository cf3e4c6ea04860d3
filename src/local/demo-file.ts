// How `npm run send -- --demo` finds the running `npm start`: the demo writes where its site, its outbox
// and its Stripe listen to `<state>/demo.json` (removed when it stops), and the send reads it back into
// the environment a send needs, so the creator types one command and no keys.

import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEMO_FILE = 'demo.json';

export interface DemoTarget {
  /** The site's origin, e.g. http://localhost:4321: links in the emails point at the running demo. */
  site: string;
  /** Where the outbox takes messages (the `outbox` provider's URL). */
  outbox: string;
  /** The local Stripe stand-in, when the demo runs one; absent when it talks to real Stripe. */
  stripeApiBase?: string;
  stripeKey?: string;
  /** The demo's build. */
  dist: string;
}

export function writeDemoTarget(stateDir: string, target: DemoTarget): () => void {
  const file = join(stateDir, DEMO_FILE);
  writeFileSync(file, `${JSON.stringify(target, null, 2)}\n`, { mode: 0o600 });
  return () => rmSync(file, { force: true });
}

/**
 * The environment and build folder for sending to the running demo: its Stripe stand-in (key and address), its local secret (unless TRUEFANS_SECRET is set), the outbox as
 * the provider, and its origin for links.
 */
export function demoSendEnv(stateDir: string, env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; dist: string } {
  const dir = resolve(stateDir);
  const file = join(dir, DEMO_FILE);
  if (!existsSync(file)) throw new Error(`${file}: no running demo found. Start it with \`npm start\` in another terminal (with --state ${stateDir} if you gave one), then send again.`);
  const target = JSON.parse(readFileSync(file, 'utf8')) as DemoTarget;
  if (!target.stripeApiBase) {
    // A send records each post as sent on Stripe: against real Stripe that would mark your real posts sent.
    throw new Error('The running demo uses real Stripe (STRIPE_SECRET_KEY is set), so --demo will not send: it would record the posts as sent in your Stripe account. Send to the demo with the local stand-in (unset STRIPE_SECRET_KEY for npm start), or send for real without --demo.');
  }
  const secretFile = join(dir, 'local-secret');
  const secret = env.TRUEFANS_SECRET ?? (existsSync(secretFile) ? readFileSync(secretFile, 'utf8').trim() : undefined);
  return {
    dist: target.dist,
    env: {
      ...env,
      ...(secret ? { TRUEFANS_SECRET: secret } : {}),
      STRIPE_API_BASE: target.stripeApiBase,
      STRIPE_SECRET_KEY: target.stripeKey,
      SEND_PROVIDER: 'outbox',
      TRUEFANS_OUTBOX_URL: target.outbox,
      SITE_URL: target.site,
      EMAIL_FROM: env.EMAIL_FROM ?? 'truefans (local) <hello@example.com>',
    },
  };
}

/**
 * `npm run send`'s arguments, environment and clock: with `--demo [--state DIR]`, aimed at the running
 * demo. The clock is the stand-in's (read from the `Date` of its answer), because the demo's edge runs on
 * it: links signed at another time (the stand-in's clock moved forward, or a test's frozen one) would be
 * refused there as not yet valid, and fans who joined "later" would not be recipients.
 */
export async function withDemo(argv: string[], env: NodeJS.ProcessEnv): Promise<{ argv: string[]; env: NodeJS.ProcessEnv; now?: () => number }> {
  if (!argv.includes('--demo')) return { argv, env };
  const at = argv.indexOf('--state');
  const state = at >= 0 ? argv[at + 1] : '.truefans';
  if (!state || state.startsWith('--')) throw new Error('--state needs the folder `npm start` keeps its state in (default .truefans).');
  const demo = demoSendEnv(state, env);
  const rest = argv.filter((a, i) => a !== '--demo' && !(at >= 0 && (i === at || i === at + 1)));
  let answer: Response;
  try {
    answer = await fetch(`${demo.env.STRIPE_API_BASE}/v1/customers?limit=1`, { headers: { authorization: `Bearer ${demo.env.STRIPE_SECRET_KEY}` } });
    await answer.body?.cancel();
  } catch {
    throw new Error(`The demo's Stripe stand-in (${demo.env.STRIPE_API_BASE}) does not answer. Is \`npm start\` still running?`);
  }
  const then = Date.parse(answer.headers.get('date') ?? '');
  const offset = Number.isFinite(then) ? then - Date.now() : 0;
  return { argv: rest.includes('--dist') ? rest : [...rest, '--dist', demo.dist], env: demo.env, now: () => Date.now() + offset };
}
