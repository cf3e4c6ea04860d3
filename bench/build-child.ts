// Runs one programmatic Astro build and reports its peak memory; spawned by bench/build.ts so each
// build gets a fresh process.
import { build } from 'astro';

const [root, outDir] = process.argv.slice(2) as [string, string];
const started = performance.now();
await build({ root, outDir, logLevel: 'info' });
const ms = performance.now() - started;
console.log(`BENCH ${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 })}`);
