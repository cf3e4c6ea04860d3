// Node: the real CLI (`node src/adapters/node/cli.ts`), the one `npm start` and the Docker image run.
import { fileURLToPath } from 'node:url';
import { spawnRuntime, type StartRuntime } from './runtime.ts';

const CLI = fileURLToPath(new URL('../../../src/adapters/node/cli.ts', import.meta.url));

export const startNode: StartRuntime = (site, env) =>
  spawnRuntime('node', process.execPath, [CLI, '--dist', site.dist, '--port', '0'], env, (line) => /serving .* at (http:\/\/\S+)/.exec(line)?.[1]);
