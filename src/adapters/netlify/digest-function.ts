// The Netlify Scheduled Function for the weekly digest (a Node function; emit.ts writes it beside the edge
// function, with `export const config = { schedule }`, only when site.yaml says weekly_digest: true). It
// calls the site's own /_truefans/digest route with CRON_SECRET, so the edge function's core sends the
// digest, once per ISO week however often this fires.

import { ROUTES } from '../../core/paths.ts';

/** site.yaml's url, baked in at build time; SITE_URL, when set in Netlify's environment, wins. */
declare const __TRUEFANS_SITE_URL__: string;
declare const process: { env: Record<string, string | undefined> };

export default async function weeklyDigest(): Promise<Response> {
  const secret = process.env.CRON_SECRET;
  if (!secret) {
    console.error('truefans: the weekly digest was not sent: set CRON_SECRET in Netlify\'s environment (Functions scope), at least 16 characters.');
    return new Response('not-sent\n', { status: 500 });
  }
  const url = new URL(ROUTES.digest, process.env.SITE_URL || __TRUEFANS_SITE_URL__);
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
  const outcome = response.ok ? (await response.text()).trim() : `HTTP ${response.status} from ${url.origin}${ROUTES.digest}`;
  console.log(`truefans: weekly digest: ${outcome}`);
  return new Response(`${outcome}\n`, { status: response.ok ? 200 : 502 });
}
