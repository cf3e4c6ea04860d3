// The weekly digest's reads and its once-only mark over Stripe. Ended subscriptions come from the
// `customer.subscription.deleted` events of the week: Stripe lists subscriptions by `created`, never by
// `ended_at`, and keeps events for 30 days (docs.stripe.com/api/events/list: "created" filter), so a week fits.

import type Stripe from 'stripe';
import type { DigestSubscription } from '../../core/billing.ts';
import { GIFT_SUBSCRIPTION_MARK } from '../../core/gifts/rules.ts';
import { tierOfPrice } from './entitlements.ts';
import { portalConfiguration } from './portal.ts';

export const DIGEST_MARK = 'truefans_digest_week';
/** A fan holds a subscription in one of these (as the dashboard counts, src/fans/figures.ts). */
export const DIGEST_STATUSES = ['active', 'trialing', 'past_due'] as const;

function digestRecord(sub: Stripe.Subscription): DigestSubscription | undefined {
  // A gift membership is counted apart, as in the fan count: it is not a paying fan.
  if (sub.metadata?.[GIFT_SUBSCRIPTION_MARK]) return undefined;
  const item = sub.items.data.find((i) => tierOfPrice(i.price));
  if (!item) return undefined;
  return {
    customer: typeof sub.customer === 'string' ? sub.customer : sub.customer.id,
    status: sub.status,
    startDate: sub.start_date,
    endedAt: sub.ended_at ?? undefined,
    trialEnd: sub.trial_end ?? undefined,
    amount: (item.price.unit_amount ?? 0) * (item.quantity ?? 1),
    interval: item.price.recurring?.interval,
  };
}

/** `eachLive` pages through the DIGEST_STATUSES subscriptions, capped as countFans is (then `atLeast`). */
export async function digestSubscriptions(stripe: Stripe, since: number, eachLive: (visit: (sub: Stripe.Subscription) => void) => Promise<{ atLeast: boolean }>): Promise<{ current: DigestSubscription[]; ended: DigestSubscription[]; atLeast: boolean }> {
  const current: DigestSubscription[] = [];
  const { atLeast } = await eachLive((sub) => {
    const record = digestRecord(sub);
    if (record) current.push(record);
  });
  const ended: DigestSubscription[] = [];
  const seen = new Set<string>();
  for await (const event of stripe.events.list({ type: 'customer.subscription.deleted', created: { gte: since }, limit: 100 }) as AsyncIterable<Stripe.Event>) {
    const sub = event.data.object as Stripe.Subscription;
    if (seen.has(sub.id)) continue;
    seen.add(sub.id);
    const record = digestRecord(sub);
    if (record) ended.push(record);
  }
  return { current, ended, atLeast };
}

/** The mark, read fresh (the configuration's id is memoised by portalConfiguration, its metadata never is). */
export async function digestMark(stripe: Stripe, siteOrigin: string, found: Map<string, string>): Promise<{ configuration: string; week: string | undefined } | undefined> {
  const id = await portalConfiguration(stripe, siteOrigin, found);
  if (!id) return undefined;
  const configuration = await stripe.billingPortal.configurations.retrieve(id);
  return { configuration: id, week: configuration.metadata?.[DIGEST_MARK] || undefined };
}

/** Stripe merges `metadata` on update (keys not sent are kept), so the portal's own mark stays. */
export async function markDigest(stripe: Stripe, configuration: string, week: string): Promise<void> {
  await stripe.billingPortal.configurations.update(configuration, { metadata: { [DIGEST_MARK]: week } });
}
