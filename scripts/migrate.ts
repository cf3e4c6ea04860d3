// `npm run migrate -- ghost|substack|patreon EXPORT [--write] [--url https://old.site]` (src/migrate/ does the work).
import { loadDotEnv } from '../src/config/dotenv.ts';
import { contentDir, loadSite } from '../src/config/load.ts';
import { TruefansError } from '../src/core/errors.ts';
import { runMigrate } from '../src/migrate/cli.ts';
import { MigrateInputError } from '../src/migrate/types.ts';
import { stripeFromEnv } from '../src/stripe-sync/client.ts';

loadDotEnv();
try {
  process.exitCode = await runMigrate(process.argv.slice(2), {
    site: loadSite(),
    contentDir: contentDir(),
    root: process.cwd(),
    stripe: () => (process.env.STRIPE_SECRET_KEY?.trim() ? stripeFromEnv(process.env, 'npm run migrate -- ...') : undefined),
    out: (line) => console.log(line),
  });
} catch (error) {
  if (error instanceof TruefansError) console.error(error.describe());
  else if (error instanceof MigrateInputError) console.error(error.message);
  else {
    const e = error as { message?: string; statusCode?: number };
    console.error(e.statusCode === 401 ? 'Stripe does not accept STRIPE_SECRET_KEY. Copy it again from https://dashboard.stripe.com/apikeys.' : (e.message ?? String(error)));
  }
  process.exitCode = 1;
}
