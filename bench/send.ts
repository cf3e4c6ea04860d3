// Benchmark: `npm run send` of one post to N recipients, rendered from a real build of the send fixture,
// recipients read from the local Stripe stand-in, delivered through a local Resend-shaped provider that
// only counts (so it holds nothing). Reports time, Stripe calls (list pages and others) and the heap
// during the send, sampled at every batch after a full garbage collection, for 2,000 and then 10,000
// recipients: the per-recipient growth is what "flat in recipients" measures.
//
// Run: node bench/send.ts [--recipients 10000], or call benchSend() from bench/run.ts. Target: under a minute
// for 10,000, and at most one Stripe list page per 100 recipients.

import { createServer } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pathToFileURL } from 'node:url';
import { buildSite, TEST_SECRET } from '../test/helpers/build-site.ts';
import { start } from '../test/tools/stripe-local/helpers.ts';
import { member, SEND_FIXTURE, syncFixtureCatalog } from '../test/send/helpers.ts';
import { createKeyring } from '../src/core/crypto/keys.ts';
import { readBuiltSite } from '../src/send/post.ts';
import { stripeRecords } from '../src/send/record.ts';
import { sendPost } from '../src/send/send.ts';
import { resendSender } from '../src/send/providers/http.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / (1024 * 1024);
};

export async function benchSend(options: { recipients?: number } = {}): Promise<Record<string, unknown>> {
  const total = options.recipients ?? 10_000;
  const build = await buildSite({ content: SEND_FIXTURE });
  if (build.code !== 0) throw new Error(build.output);
  const site = readBuiltSite(build.outDir);
  const keyring = await createKeyring(TEST_SECRET);
  const { standIn, stripe } = await start();
  let delivered = 0;
  const provider = createServer((req, res) => {
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => {
      // Count the emails without keeping them: the answer has one id per email, as Resend's does.
      const count = Number(req.headers['x-count'] ?? 0);
      void n;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: Array.from({ length: count }, (_, i) => ({ id: `e${delivered + i}` })) }));
      delivered += count;
    });
  });
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(provider.address() as { port: number }).port}`;
  // The provider is told the batch size in a header, so it need not parse 100 emails to count them.
  const countingFetch: typeof fetch = (url, init) => {
    const body = String(init?.body ?? '[]');
    const count = (body.match(/"subject":/g) ?? []).length;
    return fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), 'x-count': String(count) } });
  };
  await syncFixtureCatalog(stripe);
  const runs: Record<string, unknown>[] = [];
  let made = 0;
  const makeUpTo = async (n: number) => {
    const t0 = performance.now();
    const members = Math.floor(n / 100);
    for (; made < n; made++) {
      if (made < members) await member(stripe, `member${made}@bench.example`, made % 2 ? 'patron' : 'listener');
      else await stripe.customers.create({ email: `reader${made}@bench.example`, metadata: { truefans_follower: 'yes' } });
    }
    return Math.round(performance.now() - t0);
  };
  for (const [n, postId] of [[Math.min(2000, total), 'divider'], [total, 'blocks']] as const) {
    const setupMs = await makeUpTo(n);
    const calls = { list: 0, other: 0 };
    const sender = resendSender({ apiKey: 're_bench', baseUrl: base, minIntervalMs: 0, fetch: countingFetch });
    const before = heapMb();
    let peak = before;
    const t0 = performance.now();
    const startDelivered = delivered;
    const summary = await sendPost(
      { site, keyring, sender, from: '"Ada Sender" <posts@send.example>', replyTo: 'ada@send.example', now: () => Date.UTC(2026, 10, 1) },
      site.posts.find((p) => p.post === postId)!,
      { stripe, records: stripeRecords(stripe, calls), pastDue: 'keep', calls, onProgress: (p) => void ((p.sent % 1000 === 0) && (peak = Math.max(peak, heapMb()))) },
    );
    const ms = performance.now() - t0;
    runs.push({
      recipients: n,
      sent: summary.sent,
      delivered: delivered - startDelivered,
      failed: summary.failed,
      seconds: +(ms / 1000).toFixed(1),
      perSecond: Math.round(summary.sent / (ms / 1000)),
      stripeListCalls: calls.list,
      listCallsPer100Recipients: +((calls.list / n) * 100).toFixed(2),
      stripeOtherCalls: calls.other,
      heapBeforeMb: +before.toFixed(1),
      heapPeakMb: +peak.toFixed(1),
      heapGrowthMb: +(peak - before).toFixed(1),
      setupSeconds: +(setupMs / 1000).toFixed(1),
    });
  }
  provider.close();
  await standIn.close();
  return { runs, targetSeconds: 60 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--recipients');
  console.log(JSON.stringify(await benchSend(i > 0 ? { recipients: Number(process.argv[i + 1]) } : {}), null, 2));
}
