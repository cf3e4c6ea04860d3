// `node src/adapters/node/cli.ts --dist dist --port 4321`: the self-hosted server. Reads its secrets from
// the environment, prints one line with its URL, and on SIGINT or SIGTERM stops accepting, lets in-flight
// requests finish, and exits.

import { parseArgs } from 'node:util';
import { isTruefansError } from '../../core/errors.ts';
import { startNodeServer } from './server.ts';

const USAGE = `Usage: node src/adapters/node/cli.ts [--dist dist] [--port 4321] [--host 127.0.0.1] [--trust-proxy] [--cache-mb 64]

  --dist          the built site (default: dist)
  --port          port to listen on (default: $PORT or 4321; 0 picks a free one)
  --host          address to bind (default: $HOST or 127.0.0.1; 0.0.0.0 in a container)
  --trust-proxy   trust X-Forwarded-Proto/Host from the reverse proxy in front (TLS termination);
                  also TRUEFANS_TRUST_PROXY=1
  --cache-mb      memory for files and their compressed forms, in MB (default 64; 0 reads every
                  request from disk)

Secrets come from the environment: TRUEFANS_SECRET, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET.`;

async function main() {
  const { values } = parseArgs({
    options: {
      dist: { type: 'string', default: 'dist' },
      port: { type: 'string' },
      host: { type: 'string' },
      'trust-proxy': { type: 'boolean', default: false },
      'cache-mb': { type: 'string', default: '64' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port ?? process.env.PORT ?? 4321);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a whole number from 0 to 65535, got "${values.port ?? process.env.PORT}".`);
    process.exit(2);
  }
  const cacheMb = Number(values['cache-mb']);
  if (!Number.isFinite(cacheMb) || cacheMb < 0) {
    console.error(`--cache-mb must be a number of megabytes, 0 or more, got "${values['cache-mb']}".`);
    process.exit(2);
  }

  let server;
  try {
    server = await startNodeServer({
      distDir: values.dist,
      port,
      host: values.host ?? process.env.HOST ?? '127.0.0.1',
      trustProxy: values['trust-proxy'] || process.env.TRUEFANS_TRUST_PROXY === '1',
      cacheBytes: Math.round(cacheMb * 1024 * 1024),
    });
  } catch (error) {
    if (isTruefansError(error)) {
      console.error(error.message);
      process.exit(1);
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`Port ${port} is already in use. Choose another with --port, for example --port ${port + 1}.`);
      process.exit(1);
    }
    throw error;
  }
  console.log(`truefans is serving ${values.dist} at ${server.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A second Ctrl-C means now.
      process.exit(130);
    }
    stopping = true;
    console.log(`${signal}: finishing in-flight requests, then stopping.`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await main();
