// The Netlify Scheduled Function for gifts emailed on a date (a Node function; emit.ts writes it beside the
// edge function, with `export const config = { schedule }`, only when site.yaml has gifts on). Once a day it
// POSTs the site's own /_truefans/gift/deliver, so the edge function's core sends what is due, each gift
// once (a mark on its Checkout Session), however often this fires. The route needs no secret: it only ever
// sends what is due.

import { GIFT_ROUTES } from '../../core/gifts/paths.ts';

/** site.yaml's url, baked in at build time; SITE_URL, when set in Netlify's environment, wins. */
declare const __TRUEFANS_SITE_URL__: string;
declare const process: { env: Record<string, string | undefined> };

export default async function deliverGifts(): Promise<Response> {
  const url = new URL(GIFT_ROUTES.deliver, process.env.SITE_URL || __TRUEFANS_SITE_URL__);
  const response = await fetch(url, { method: 'POST' });
  const outcome = response.ok ? (await response.text()).trim() : `HTTP ${response.status} from ${url.origin}${GIFT_ROUTES.deliver}`;
  console.log(`truefans: gift delivery: ${outcome}`);
  return new Response(`${outcome}\n`, { status: response.ok ? 200 : 502 });
}
