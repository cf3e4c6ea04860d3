// What each Netlify Scheduled Function does (a Node function; emit.ts writes one beside the edge function
// per scheduled job, with `export const config = { schedule }`): POST one of the site's own routes with
// CRON_SECRET, so the edge function's core does the job, and say in Netlify's log what came back.

/** site.yaml's url, baked in at build time; SITE_URL, when set in Netlify's environment, wins. */
declare const __TRUEFANS_SITE_URL__: string;
declare const process: { env: Record<string, string | undefined> };

export async function callRoute(route: string, job: string): Promise<Response> {
  const secret = process.env.CRON_SECRET;
  if (!secret) {
    console.error(`truefans: ${job}: nothing done: set CRON_SECRET in Netlify's environment (Functions scope), at least 16 characters.`);
    return new Response('CRON_SECRET is not set\n', { status: 500 });
  }
  const url = new URL(route, process.env.SITE_URL || __TRUEFANS_SITE_URL__);
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
  const outcome = response.ok ? (await response.text()).trim() : `HTTP ${response.status} from ${url.origin}${route}`;
  console.log(`truefans: ${job}: ${outcome}`);
  return new Response(`${outcome}\n`, { status: response.ok ? 200 : 502 });
}
