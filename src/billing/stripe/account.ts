// What the account page shows, read from Stripe when it is asked for (rarely): the fan's email, each
// membership with its price, status and next date, and each purchase with the day it was bought. Also
// the one place the function asks Stripe for a fan's email (the sign-in session may carry it later).

import type Stripe from 'stripe';
import type { Account, Membership, Purchase, ReadOptions } from '../../core/billing.ts';
import { statusGrants } from '../../core/holdings.ts';
import { listAll, offerOfSession, tierOfItem } from './entitlements.ts';

/** The fan's email as Stripe has it (undefined for a deleted customer or one without). */
export async function fanEmail(stripe: Stripe, customer: string): Promise<string | undefined> {
  const c = await stripe.customers.retrieve(customer);
  return 'deleted' in c && c.deleted ? undefined : ((c as Stripe.Customer).email ?? undefined);
}

/** The customer's truefans memberships, newest first, as plain facts. */
export async function readMemberships(stripe: Stripe, customer: string, options: ReadOptions): Promise<Membership[]> {
  const subs = await listAll<Stripe.Subscription>((after) => stripe.subscriptions.list({ customer, status: 'all', limit: 100, ...(after ? { starting_after: after } : {}) }));
  const products = new Map<string, Promise<Stripe.Product | Stripe.DeletedProduct>>();
  const out: Membership[] = [];
  for (const sub of subs) {
    for (const item of sub.items?.data ?? []) {
      const tier = await tierOfItem(stripe, item, products, 10_000, options.also);
      const interval: string | undefined = item.price.recurring?.interval;
      if (!tier || !options.tierIds.includes(tier) || (interval !== 'month' && interval !== 'year')) continue;
      const live = statusGrants(sub.status, options.pastDue);
      const ending = sub.cancel_at ?? undefined;
      out.push({
        customer,
        subscription: sub.id,
        item: item.id,
        tier,
        interval,
        amount: (item.price.unit_amount ?? 0) * (item.quantity ?? 1),
        currency: item.price.currency,
        status: sub.status,
        live,
        renewsAt: live && !ending && sub.status !== 'trialing' ? item.current_period_end : undefined,
        trialEnd: sub.status === 'trialing' ? (sub.trial_end ?? undefined) : undefined,
        endsAt: live ? ending : undefined,
        endedAt: sub.status === 'canceled' ? (sub.ended_at ?? sub.canceled_at ?? undefined) : undefined,
      });
    }
  }
  return out.sort((a, b) => Number(b.live) - Number(a.live));
}

/**
 * What the fan's customers hold, together (a verified fan may have several, one per signed-out checkout).
 * The email is the verified one when the session has it, else the first customer's as Stripe has it.
 */
export async function readAccount(stripe: Stripe, customers: readonly string[], options: ReadOptions, verifiedEmail?: string): Promise<Account> {
  const sessionsOf = (customer: string) =>
    options.offerIds.length
      ? listAll<Stripe.Checkout.Session>((after) => stripe.checkout.sessions.list({ customer, status: 'complete', limit: 100, ...(after ? { starting_after: after } : {}) }))
      : Promise.resolve([]);
  const [email, memberships, sessions] = await Promise.all([
    verifiedEmail ?? (customers[0] ? fanEmail(stripe, customers[0]) : undefined),
    Promise.all(customers.map((c) => readMemberships(stripe, c, options))).then((all) => all.flat().sort((a, b) => Number(b.live) - Number(a.live))),
    Promise.all(customers.map(sessionsOf)).then((all) => all.flat().sort((a, b) => a.created - b.created)),
  ]);
  const purchases = new Map<string, Purchase>();
  for (const session of sessions) {
    const offer = offerOfSession(session);
    if (offer && options.offerIds.includes(offer) && !purchases.has(offer)) purchases.set(offer, { offer, boughtAt: session.created });
  }
  return { email, memberships, purchases: [...purchases.values()] };
}
