// Runs the local Stripe stand-in on its own:
//   node scripts/stripe-local.ts [--port 12111] [--host 127.0.0.1] [--fresh] [--state FILE] [--webhook URL]
// The webhook secret comes from STRIPE_WEBHOOK_SECRET (default whsec_truefans_local); the API key
// clients must use from STRIPE_SECRET_KEY (default sk_test_truefans_local).
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, DEFAULT_SECRET_KEY, startStripeStandIn } from '../tools/stripe-local/index.ts';
import { exposedWarning, isLoopback, refuseHost } from '../src/local/expose.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: String(DEFAULT_PORT) },
    host: { type: 'string', default: '127.0.0.1' },
    fresh: { type: 'boolean', default: false },
    state: { type: 'string', default: '.truefans/stripe-state.json' },
    webhook: { type: 'string' },
    'unsafe-expose': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('Usage: node scripts/stripe-local.ts [--port 12111] [--host 127.0.0.1] [--fresh] [--state FILE] [--webhook URL] [--unsafe-expose]');
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number from 0 to 65535, not "${values.port}".`);
  process.exit(2);
}

const refused = refuseHost(values.host, values['unsafe-expose'], 'npm run stripe:local --');
if (refused) {
  console.error(refused);
  process.exit(2);
}

const secretKey = process.env.STRIPE_SECRET_KEY?.startsWith('sk_test_') ? process.env.STRIPE_SECRET_KEY : DEFAULT_SECRET_KEY;
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_truefans_local';

try {
  const standIn = await startStripeStandIn({
    port,
    host: values.host,
    fresh: values.fresh,
    stateFile: values.state,
    secretKey,
    ...(values.webhook ? { webhook: { url: values.webhook, secret: webhookSecret } } : {}),
  });
  console.log(`Local Stripe stand-in on ${standIn.url}`);
  if (!isLoopback(values.host)) console.log(exposedWarning(values.host));
  console.log(`  API key:  ${secretKey === DEFAULT_SECRET_KEY ? DEFAULT_SECRET_KEY : 'from STRIPE_SECRET_KEY'}`);
  console.log(`  state:    ${values.state}${values.fresh ? ' (started fresh)' : ''}`);
  console.log(`  webhooks: ${values.webhook ?? 'none (pass --webhook URL)'}`);
  const stop = () => {
    standIn.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Port ${port} is in use. Choose another with --port, e.g. --port ${port + 1}.`);
    process.exit(1);
  }
  throw error;
}
