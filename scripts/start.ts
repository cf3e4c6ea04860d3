// `npm start`: builds the example site and runs everything a fan and a creator need on this machine.
// Flags: --port 4321, --stripe-port 12111, --fresh (forget local fans and mail), --state .truefans (where
// local state lives), --host 127.0.0.1 (anything not loopback also needs --unsafe-expose: see src/local/expose.ts).
import { parseArgs } from 'node:util';
import { loadDotEnv } from '../src/config/dotenv.ts';
import { DemoError, startDemo } from '../src/local/demo.ts';
import { thingsToTry } from '../src/local/tips.ts';
import { isTruefansError } from '../src/core/errors.ts';
import { exposedWarning, isLoopback } from '../src/local/expose.ts';

loadDotEnv();
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '4321' },
    'stripe-port': { type: 'string', default: '12111' },
    fresh: { type: 'boolean', default: false },
    state: { type: 'string', default: '.truefans' },
    host: { type: 'string', default: '127.0.0.1' },
    'unsafe-expose': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('Usage: npm start -- [--port 4321] [--stripe-port 12111] [--fresh] [--state .truefans] [--host 127.0.0.1 [--unsafe-expose]]');
  process.exit(0);
}
const port = Number(values.port);
const stripePort = Number(values['stripe-port']);
for (const [flag, n] of [['--port', port], ['--stripe-port', stripePort]] as const) {
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    console.error(`${flag} must be a port number from 1 to 65535.`);
    process.exit(2);
  }
}

try {
  const demo = await startDemo({ port, stripePort, fresh: values.fresh, stateDir: values.state, host: values.host, unsafeExpose: values['unsafe-expose'] });
  const lines = [
    '',
    `  truefans is running at ${demo.url}/`,
    '',
    isLoopback(values.host)
      ? `  Listening on ${values.host} only: other machines cannot reach it (the outbox shows every sign-in link).`
      : exposedWarning(values.host),
    '',
    demo.mode === 'stripe'
      ? '  Using real Stripe (STRIPE_SECRET_KEY is set). Test-mode keys take test cards; live keys take real money.'
      : `  Stripe is the local stand-in (${demo.standIn!.url}), so no keys or network are needed.`,
    '',
    '  Things to try:',
    ...thingsToTry(demo.site, demo.outboxUrl, demo.standIn?.url, values.state).map((line) => `  ${line}`),
    '',
    '  Press Ctrl-C to stop.',
    '',
  ];
  console.log(lines.join('\n'));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping...');
    await demo.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  if (error instanceof DemoError) console.error(error.message);
  else if (isTruefansError(error)) console.error(error.describe());
  else throw error;
  process.exit(1);
}
