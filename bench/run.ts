// `npm run bench`: every benchmark, one after another (never in parallel: the machine is shared and
// noisy, so each benchmark compares its cases side by side, as ratios). Results also go to bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchAbuseMemory } from './abuse-memory.ts';
import { benchAdapters } from './adapters.ts';
import { benchBuild } from './build.ts';
import { benchCold } from './cold.ts';
import { benchColdRuntimes } from './cold-runtimes.ts';
import { benchEdge } from './edge.ts';
import { benchServing } from './serving.ts';
import { benchFans } from './fans.ts';
import { benchSend } from './send.ts';
import { benchMedia } from './media.ts';

const results: Record<string, unknown> = {};
const only = process.argv[2];
const benches: Record<string, () => unknown | Promise<unknown>> = {
  build: benchBuild,
  edge: benchEdge,
  adapters: benchAdapters,
  cold: () => benchCold(),
  'cold-runtimes': () => benchColdRuntimes(),
  'abuse-memory': benchAbuseMemory,
  serving: benchServing,
  fans: benchFans,
  send: benchSend,
  media: benchMedia,
};
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  console.log(`\n== ${name}`);
  results[name] = await run();
  console.log(JSON.stringify(results[name], null, 2));
}
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(results, null, 2));
