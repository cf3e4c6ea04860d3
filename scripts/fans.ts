// `npm run fans`: reads the creator's fans from Stripe and prints the summary; `-- --html [FILE]` also
// writes the dashboard page (default fans.html), `-- --csv FILE` every fan and follower, `-- --wall FILE` the
// supporter wall's names per tier (src/fans/ does the work).
//
// Usage: STRIPE_SECRET_KEY=sk_... [STRIPE_API_BASE=http://127.0.0.1:12111] node scripts/fans.ts [--html [FILE]] [--csv FILE] [--wall FILE]

import { writeFileSync } from 'node:fs';
import { loadDotEnv } from '../src/config/dotenv.ts';
import { loadSite } from '../src/config/load.ts';
import { legacyTiersOf } from '../src/core/holdings.ts';
import { computeFigures } from '../src/fans/figures.ts';
import { formatFor } from '../src/fans/format.ts';
import { renderCsv } from '../src/fans/csv.ts';
import { renderDashboard } from '../src/fans/html.ts';
import { readFans, stderrProgress } from '../src/fans/read.ts';
import { summaryLines } from '../src/fans/summary.ts';
import { renderWall, wallByTier } from '../src/fans/wall.ts';
import { stripeFromEnv } from '../src/stripe-sync/client.ts';

const USAGE = 'Usage: npm run fans [-- --html [FILE]] [-- --csv FILE] [-- --wall FILE]';

function parseArgs(args: string[]): { html?: string; csv?: string; wall?: string } {
  const out: { html?: string; csv?: string; wall?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (arg === '--html') {
      out.html = next && !next.startsWith('--') ? (i++, next) : 'fans.html';
    } else if (arg === '--csv') {
      if (!next || next.startsWith('--')) throw new Error(`--csv needs a file to write, e.g. --csv fans.csv\n${USAGE}`);
      out.csv = next;
      i++;
    } else if (arg === '--wall') {
      if (!next || next.startsWith('--')) throw new Error(`--wall needs a file to write, e.g. --wall supporters.txt\n${USAGE}`);
      out.wall = next;
      i++;
    } else {
      throw new Error(`Unknown option ${JSON.stringify(arg)}.\n${USAGE}`);
    }
  }
  return out;
}

loadDotEnv();
try {
  const options = parseArgs(process.argv.slice(2));
  const stripe = stripeFromEnv(process.env, 'npm run fans');
  const site = loadSite();
  const data = await readFans(stripe, Math.floor(Date.now() / 1000), stderrProgress(), legacyTiersOf(site.tiers));
  const figures = computeFigures(data, site);
  const format = formatFor(site.currency, site.language);
  console.log(summaryLines(figures, format).join('\n'));
  // The files hold fans' emails and names: readable by the creator's account only.
  if (options.html) {
    writeFileSync(options.html, renderDashboard(figures, format, site), { mode: 0o600 });
    console.log(`\nWrote the dashboard to ${options.html} (it holds fans' emails: keep it private).`);
  }
  if (options.csv) {
    writeFileSync(options.csv, renderCsv(figures), { mode: 0o600 });
    console.log(`${options.html ? '' : '\n'}Wrote ${figures.people.length} fans and followers to ${options.csv}.`);
  }
  if (options.wall) {
    writeFileSync(options.wall, renderWall(figures, site.language), { mode: 0o600 });
    const names = wallByTier(figures, site.language).reduce((sum, g) => sum + g.names.length, 0);
    console.log(`${options.html || options.csv ? '' : '\n'}Wrote ${names} names on the supporter wall to ${options.wall}.`);
  }
} catch (error) {
  const e = error as { message?: string; statusCode?: number };
  console.error(e.statusCode === 401 ? 'Stripe does not accept STRIPE_SECRET_KEY. Copy it again from https://dashboard.stripe.com/apikeys.' : e.statusCode === 403 ? `STRIPE_SECRET_KEY may not read everything the dashboard needs (${e.message}). Use the secret key, or a restricted key that may read customers, products, prices, subscriptions, invoices, Checkout Sessions and refunds.` : (e.message ?? String(error)));
  process.exitCode = 1;
}
