// Which billing portal configuration the edge opens. Stripe refuses a portal session until the account has
// a configuration, and its API cannot make one the default (only the Dashboard can), so `npm run
// stripe:sync` makes one marked with `metadata.truefans_portal = <site origin>` and the edge passes its id.
// Found once per billing instance (a portal open is rare; the configuration's id never changes when sync updates it).

import type Stripe from 'stripe';

export const PORTAL_METADATA_KEY = 'truefans_portal';

/**
 * The id of this site's portal configuration: the one marked with this origin, else any truefans one
 * (SITE_URL may differ from site.yaml's url), else undefined (Stripe then uses the account's default,
 * or refuses with its own message, which names the Dashboard page that makes one).
 */
export async function portalConfiguration(stripe: Stripe, siteOrigin: string, found: Map<string, string>): Promise<string | undefined> {
  const memo = found.get(siteOrigin);
  if (memo) return memo;
  let fallback: string | undefined;
  for await (const configuration of stripe.billingPortal.configurations.list({ active: true, limit: 100 }) as AsyncIterable<Stripe.BillingPortal.Configuration>) {
    const mark = configuration.metadata?.[PORTAL_METADATA_KEY];
    if (!mark) continue;
    if (mark === siteOrigin) {
      found.set(siteOrigin, configuration.id);
      return configuration.id;
    }
    fallback ??= configuration.id;
  }
  if (fallback) found.set(siteOrigin, fallback);
  return fallback;
}
