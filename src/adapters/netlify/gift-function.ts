// The Netlify Scheduled Function for gifts emailed on a date (a Node function; emit.ts writes it beside the
// edge function, with `export const config = { schedule }`, only when site.yaml has gifts on). Once a day it
// POSTs the site's own /_truefans/gift/deliver with CRON_SECRET, so the edge function's core sends what is
// due, each gift once (a mark on its Checkout Session), however often this fires.

import { GIFT_ROUTES } from '../../core/gifts/paths.ts';

/** site.yaml's url, baked in at build time; SITE_URL, when set in Netlify's environment, wins. */
declare const __TRUEFANS_SITE_URL__: string;
declare const process: { env: Record<string, string | undefined> };

export default async function deliverGifts(): Promise<Response> {
  const secret = process.env.CRON_SECRET;
  if (!secret) {
    console.error("truefans: gifts were not delivered: set CRON_SECRET in Netlify's environment (Functions scope), at least 16 characters.");
    return new Response('CRON_SECRET is not set\n', { status: 500 });
  }
  const url = new URL(GIFT_ROUTES.deliver, process.env.SITE_URL || __TRUEFANS_SITE_URL__);
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
  const outcome = response.ok ? (await response.text()).trim() : `HTTP ${response.status} from ${url.origin}${GIFT_ROUTES.deliver}`;
  console.log(`truefans: gift delivery: ${outcome}`);
  return new Response(`${outcome}\n`, { status: response.ok ? 200 : 502 });
}
