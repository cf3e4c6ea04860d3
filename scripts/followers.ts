// `npm run followers -- import FILE.csv [--apply]` and `npm run followers -- export [FILE]`: free followers,
// in and out of Stripe (src/followers/ does the work; the Stripe client is stripe:sync's).

import { readFileSync, writeFileSync } from 'node:fs';
import { loadDotEnv } from '../src/config/dotenv.ts';
import { stripeFromEnv } from '../src/stripe-sync/client.ts';
import { describeImport, ImportFileError, importFollowers } from '../src/followers/import.ts';
import { exportFollowers } from '../src/followers/export.ts';
import { progressBar } from '../src/followers/progress.ts';

const USAGE = `Usage:
  npm run followers -- import FILE.csv [--apply]   a dry run unless --apply
  npm run followers -- export [FILE.csv]           to the file, or to the terminal`;

loadDotEnv();
const [command, ...rest] = process.argv.slice(2);
const apply = rest.includes('--apply');
const file = rest.find((a) => !a.startsWith('--'));
try {
  if (command === 'import' && file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new ImportFileError(`${file}: cannot read the file. Check the path.`);
    }
    const stripe = stripeFromEnv(process.env, 'npm run followers -- import FILE.csv');
    const counts = await importFollowers(stripe, text, { apply, nowMs: Date.now(), file, progress: (total) => progressBar(apply ? 'Importing' : 'Checking', total) });
    console.log(describeImport(counts, apply));
  } else if (command === 'export') {
    const stripe = stripeFromEnv(process.env, 'npm run followers -- export');
    const { csv, rows } = await exportFollowers(stripe);
    if (file) {
      writeFileSync(file, csv);
      console.log(`Wrote ${rows} follower(s) and member(s) to ${file}.`);
    } else process.stdout.write(csv);
  } else {
    console.error(USAGE);
    process.exitCode = 2;
  }
} catch (error) {
  const e = error as { message?: string; statusCode?: number };
  console.error(e.statusCode === 401 ? 'Stripe does not accept STRIPE_SECRET_KEY. Copy it again from https://dashboard.stripe.com/apikeys.' : (e.message ?? String(error)));
  process.exitCode = 1;
}
