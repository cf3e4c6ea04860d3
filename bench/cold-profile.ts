// `node --cpu-prof bench/cold-profile.ts [kb] [requests]`: cold gated requests only (an isolate that has
// never seen this fan or page: new cookie, new page, no ETag), for a CPU profile of the cold path, and
// each request's CPU time (process.cpuUsage) as mean and p99.
import { createStripeBilling } from '../src/billing/stripe/index.ts';
import { createHandler } from '../src/core/handler.ts';
import { benchSite, ORIGIN, SECRET } from './edge.ts';

const kb = process.argv[2] ?? '100kb';
const count = Number(process.argv[3] ?? 3000);
const s = await benchSite([parseInt(kb, 10) * 1024]);
const handle = createHandler({
  billing: createStripeBilling,
  env: { TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_truefans_bench', SITE_URL: ORIGIN, STRIPE_API_BASE: 'http://127.0.0.1:9' },
  fetch: (async () => new Response('{}', { status: 500 })) as typeof fetch,
  assets: s.bareAssets,
});
const pages = s.coldPages[kb]!;
const cpu: number[] = [];
for (let i = 0; i < count; i++) {
  const c0 = process.cpuUsage();
  const response = await handle(new Request(`${ORIGIN}${pages[i % pages.length]}`, { headers: { cookie: s.coldCookies[i % s.coldCookies.length]! } }));
  const text = await response.text();
  const c = process.cpuUsage(c0);
  if (!text.includes('cold hall') || text.includes('<truefans-gate')) throw new Error('not opened');
  if (i >= 200) cpu.push((c.user + c.system) / 1000);
}
cpu.sort((a, b) => a - b);
console.log(`cold ${kb}: ${cpu.length} requests, CPU mean ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(3)} ms, p50 ${cpu[Math.floor(cpu.length / 2)]!.toFixed(3)} ms, p99 ${cpu[Math.floor(cpu.length * 0.99)]!.toFixed(3)} ms`);
