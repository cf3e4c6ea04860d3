// Vercel: Vercel's `edge-runtime` package runs the generated Edge Function from .vercel/output
// (vercel-edge.ts), behind the Build Output routes.
import { fileURLToPath } from 'node:url';
import { jsonUrl, spawnRuntime, type StartRuntime } from './runtime.ts';

const HARNESS = fileURLToPath(new URL('./vercel-edge.ts', import.meta.url));

export const startVercel: StartRuntime = (site, env) => spawnRuntime('vercel (edge-runtime)', process.execPath, [HARNESS, site.root], env, jsonUrl);
