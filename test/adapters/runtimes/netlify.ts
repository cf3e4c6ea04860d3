// Netlify: Deno from the npm `deno` package runs the generated Edge Function with Netlify's context shape
// (netlify-deno.ts). Deno gets only the permissions the function needs.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { jsonUrl, spawnRuntime, type StartRuntime } from './runtime.ts';

const HARNESS = fileURLToPath(new URL('./netlify-deno.ts', import.meta.url));

/** The deno executable the npm package ships for this platform (resolved as the package's own bin does). */
export function denoBinary(): string {
  const require = createRequire(import.meta.url);
  return (require('deno/install_api.cjs') as { runInstall(): string }).runInstall();
}

export const startNetlify: StartRuntime = (site, env) =>
  spawnRuntime(
    'netlify (deno)',
    denoBinary(),
    ['run', '--no-config', '--no-lock', '--no-npm', '--allow-net', `--allow-read=${site.root}`, '--allow-env', HARNESS, site.root, site.dist],
    { ...env, DENO_NO_UPDATE_CHECK: '1' },
    jsonUrl,
  );
