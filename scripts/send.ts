// `npm run send`: every new post by email, tier by tier, never twice (src/send/ does the work).
// Usage: npm run send -- <post-id> | --new [--since DATE] [--preview [DIR]] [--test you@example.com] [--yes]
//        [--demo [--state .truefans]]: to the running `npm start` (its Stripe, its outbox, its build)

import { loadDotEnv } from '../src/config/dotenv.ts';
import { prompt, runSend } from '../src/send/cli.ts';
import { senderFromEnv } from '../src/send/providers/from-env.ts';
import { stripeFromEnv } from '../src/stripe-sync/client.ts';
import { withDemo } from '../src/local/demo-file.ts';

loadDotEnv();
try {
  const { argv, env: used, now } = await withDemo(process.argv.slice(2), process.env);
  process.exitCode = await runSend(argv, {
    env: used,
    stripe: () => stripeFromEnv(used),
    sender: () => senderFromEnv(used),
    out: (line) => console.log(line),
    progress: { tty: Boolean(process.stderr.isTTY), write: (text) => process.stderr.write(text) },
    ask: prompt,
    ...(now ? { now } : {}),
  });
} catch (error) {
  const e = error as { message?: string; statusCode?: number };
  console.error(e.statusCode === 401 ? 'Stripe does not accept STRIPE_SECRET_KEY. Copy it again from https://dashboard.stripe.com/apikeys.' : (e.message ?? String(error)));
  process.exitCode = 1;
}
