// `npm run stripe:sync`: makes the Stripe account's products, prices and billing portal configuration
// match content/site.yaml and prints what it changed (src/stripe-sync/ does the work).
//
// Usage: STRIPE_SECRET_KEY=sk_... [STRIPE_API_BASE=http://127.0.0.1:12111] node scripts/stripe-sync.ts

import { relative, join } from 'node:path';
import { loadDotEnv } from '../src/config/dotenv.ts';
import { contentDir, loadSite } from '../src/config/load.ts';
import { syncStripe } from '../src/stripe-sync/catalog.ts';
import { formatChanges } from '../src/stripe-sync/changes.ts';
import { stripeFromEnv } from '../src/stripe-sync/client.ts';

loadDotEnv();
try {
  const stripe = stripeFromEnv(process.env);
  const site = loadSite();
  const where = process.env.STRIPE_API_BASE?.trim() ? process.env.STRIPE_API_BASE.trim() : `Stripe (${process.env.STRIPE_SECRET_KEY!.includes('_live_') ? 'live mode' : 'test mode'})`;
  const file = relative(process.cwd(), join(contentDir(), 'site.yaml')) || 'site.yaml';
  console.log(`Syncing ${site.tiers.length} tier(s) and ${site.offers.length} offer(s) from ${file} to ${where}...`);
  console.log(formatChanges(await syncStripe(stripe, site)));
} catch (error) {
  const e = error as { message?: string; statusCode?: number };
  console.error(e.statusCode === 401 ? 'Stripe does not accept STRIPE_SECRET_KEY. Copy it again from https://dashboard.stripe.com/apikeys.' : (e.message ?? String(error)));
  process.exitCode = 1;
}
