// Benchmark: memory under a flood of inputs an attacker controls, through the core handler with the Node
// adapter's memory store (what a self-hosted server runs). Every request carries something new: a forged
// session cookie on a gated page, an unknown feed token, a sign-in request for a new address from a new
// client address, a checkout for a tier that does not exist, a random path. Nothing of it may grow a cache
// or the store without bound (issue 9): the heap after the second half of the load should be where it was
// after the first.
//
// Reports the heap in use after a full garbage collection: after warm-up, after the first half and after the
// second half, and the growth per 10,000 requests over the second half (the goal: about zero).
//
// Run: node bench/abuse-memory.ts [--requests 60000], or call benchAbuseMemory() from bench/run.ts.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pathToFileURL } from 'node:url';
import { createMemoryStore } from '../src/adapters/node/memory-store.ts';
import { createStripeBilling } from '../src/billing/stripe/index.ts';
import { createHandler } from '../src/core/handler.ts';
import { benchSite, ORIGIN, SECRET } from './edge.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / (1024 * 1024);
}

const random = () => Math.random().toString(36).slice(2);

export async function benchAbuseMemory(options: { requests?: number } = {}): Promise<Record<string, unknown>> {
  const total = options.requests ?? 60_000;
  const s = await benchSite([10 * 1024]);
  let stripeCalls = 0;
  const handle = createHandler({
    env: { TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_truefans_bench', SITE_URL: ORIGIN, STRIPE_API_BASE: 'http://127.0.0.1:9', EMAIL_PROVIDER: 'outbox', TRUEFANS_OUTBOX_URL: 'http://127.0.0.1:9/outbox' },
    billing: createStripeBilling,
    assets: s.assets,
    store: createMemoryStore(),
    // Stripe and the mailer answer 500: the flood must not turn into calls, and a failure must not leak memory.
    fetch: (async () => {
      stripeCalls++;
      return new Response('{}', { status: 500 });
    }) as typeof fetch,
    log: () => undefined,
  });
  const form = (path: string, fields: Record<string, string>) =>
    new Request(`${ORIGIN}${path}`, { method: 'POST', body: new URLSearchParams(fields), headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' } });
  const kinds: Array<() => Request> = [
    () => new Request(`${ORIGIN}/posts/tour-10kb/`, { headers: { cookie: `__Host-truefans=eyJhbGciOiJIUzI1NiJ9.${random()}.${random()}` } }),
    () => new Request(`${ORIGIN}/_truefans/feed/${random()}${random()}`),
    () => form('/_truefans/signin', { email: `${random()}@example.com` }),
    () => form('/_truefans/checkout', { tier: random(), interval: 'month' }),
    () => new Request(`${ORIGIN}/${random()}/${random()}/`),
  ];
  let i = 0;
  const run = async (count: number) => {
    for (let n = 0; n < count; n++, i++) {
      const response = await handle(kinds[i % kinds.length]!(), { waitUntil: () => undefined, clientIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
      await response.arrayBuffer();
    }
  };
  await run(2_000);
  const warm = heapMb();
  await run(total / 2);
  const half = heapMb();
  await run(total / 2);
  const end = heapMb();
  const result = {
    requests: total,
    heapMb: { afterWarmUp: +warm.toFixed(1), afterFirstHalf: +half.toFixed(1), afterSecondHalf: +end.toFixed(1) },
    growthMbPer10kRequestsInSecondHalf: +(((end - half) / (total / 2)) * 10_000).toFixed(2),
    stripeCalls,
  };
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--requests');
  console.log(JSON.stringify(await benchAbuseMemory(at > 0 ? { requests: Number(process.argv[at + 1]) } : {}), null, 2));
}
