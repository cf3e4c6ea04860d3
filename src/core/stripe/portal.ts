// Which billing portal configuration the edge opens. Stripe refuses a portal session until the account has
// a configuration, and its API cannot make one the default (only the Dashboard can), so `npm run
// stripe:sync` makes one marked with `metadata.truefans_portal = <site origin>` and the edge passes its id.
// Found once per isolate (a portal open is rare; the configuration's id never changes when sync updates it).

import type Stripe from 'stripe';
import type { App } from '../context.ts';

export const PORTAL_METADATA_KEY = 'truefans_portal';

const found = new WeakMap<App, string>();

/**
 * The id of this site's portal configuration: the one marked with this origin, else any truefans one
 * (SITE_URL may differ from site.yaml's url), else undefined (Stripe then uses the account's default,
 * or refuses with its own message, which names the Dashboard page that makes one).
 */
export async function portalConfiguration(app: App): Promise<string | undefined> {
  const memo = found.get(app);
  if (memo) return memo;
  let fallback: string | undefined;
  for await (const configuration of app.stripe.billingPortal.configurations.list({ active: true, limit: 100 }) as AsyncIterable<Stripe.BillingPortal.Configuration>) {
    const mark = configuration.metadata?.[PORTAL_METADATA_KEY];
    if (!mark) continue;
    if (mark === app.siteOrigin) {
      found.set(app, configuration.id);
      return configuration.id;
    }
    fallback ??= configuration.id;
  }
  if (fallback) found.set(app, fallback);
  return fallback;
}
