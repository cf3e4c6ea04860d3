// Cloudflare: workerd (from the npm `workerd` package) through Wrangler's test harness, loading the
// generated .truefans/cloudflare/wrangler.json as `wrangler deploy` would: the Worker bundle, the
// assets directory and run_worker_first, served by workerd's own asset router.
import path from 'node:path';
import { createTestHarness } from 'wrangler';
import type { StartRuntime } from './runtime.ts';

export const startCloudflare: StartRuntime = async (site, env) => {
  // No network here: Miniflare would otherwise try to download the Request.cf placeholder.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
  process.env.WRANGLER_SEND_METRICS = 'false';
  const started = performance.now();
  const harness = createTestHarness({
    workers: [{ configPath: path.join(site.root, '.truefans/cloudflare/wrangler.json'), secrets: env }],
  });
  const { url } = await harness.listen();
  return {
    name: 'cloudflare (workerd)',
    url: url.origin,
    startupMs: performance.now() - started,
    stop: () => harness.close(),
    // workerd runs the Worker's scheduled() handler as a Cron Trigger would.
    async scheduled(cron) {
      const result = await harness.getWorker().scheduled({ cron, scheduledTime: new Date() });
      if (result.outcome !== 'ok') throw new Error(`the scheduled event ended "${result.outcome}"`);
    },
  };
};
