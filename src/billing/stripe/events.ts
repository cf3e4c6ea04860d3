// Stripe webhook events decoded into the few the core acts on (BillingEvent). Decoding reads only the
// event itself, never Stripe, so a bad signature and a fault while handling stay apart.

import type Stripe from 'stripe';
import type { BillingEvent, SubscriptionChange } from '../../core/billing.ts';
import { checkoutRecord, isSiteSubscription, tierOfPrice } from './entitlements.ts';

const idOf = (value: string | { id: string } | null | undefined): string | undefined => (typeof value === 'string' ? value : (value?.id ?? undefined));

/**
 * The subscription in a `customer.subscription.*` event. `previous_attributes` holds "the values of any
 * updated fields" (Stripe's Event object), so a change of price shows there as the old `items`.
 */
function subscriptionChange(sub: Stripe.Subscription, previous: Record<string, unknown> | undefined): SubscriptionChange {
  const tierOf = (items: { data?: { price?: Stripe.Price }[] } | undefined) => {
    const price = items?.data?.[0]?.price;
    return price ? tierOfPrice(price) : undefined;
  };
  const details = sub.cancellation_details;
  return {
    id: sub.id,
    status: sub.status,
    tier: tierOf(sub.items) ?? (sub.metadata?.truefans_tier || undefined),
    previousTier: previous && 'items' in previous ? tierOf(previous.items as { data?: { price?: Stripe.Price }[] }) : undefined,
    ...(sub.metadata?.truefans_gift ? { gift: sub.metadata.truefans_gift } : {}),
    ...(sub.trial_end ? { trialEnd: sub.trial_end } : {}),
    startDate: sub.start_date,
    endedAt: sub.ended_at ?? undefined,
    cancellation: { reason: details?.reason ?? undefined, feedback: details?.feedback ?? undefined, comment: details?.comment ?? undefined },
  };
}

export function decodeEvent(event: Stripe.Event): BillingEvent {
  const head = { id: event.id, type: event.type, created: event.created };
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
      return { ...head, kind: 'checkout', checkout: checkoutRecord(event.data.object) };
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
    case 'customer.subscription.trial_will_end':
      return {
        ...head,
        kind: 'subscription',
        customer: idOf(event.data.object.customer),
        site: isSiteSubscription(event.data.object),
        subscription: subscriptionChange(event.data.object, event.data.previous_attributes as Record<string, unknown> | undefined),
      };
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const invoice = event.data.object;
      // The subscription metadata Stripe snapshots on the invoice (`parent.subscription_details.metadata`,
      // which checkout sets to `truefans_tier`), else the subscription itself. A one-off invoice is not the site's.
      const details = invoice.parent?.subscription_details;
      const sub = details?.subscription;
      const site = !details ? false : details.metadata?.truefans_tier ? true : sub && typeof sub === 'object' ? isSiteSubscription(sub) : undefined;
      // A renewal invoice's own period_start is the period just ended; its subscription line's `period` is
      // the one it bills (Stripe's Invoice object: "period_start ... during which invoice items were added").
      const line = invoice.lines?.data?.find((l) => l.parent?.subscription_item_details) ?? invoice.lines?.data?.[0];
      return {
        ...head,
        kind: 'invoice',
        customer: idOf(invoice.customer),
        email: invoice.customer_email ?? undefined,
        site,
        subscription: typeof sub === 'string' ? sub : sub?.id,
        billingReason: invoice.billing_reason ?? undefined,
        periodStart: line?.period?.start ?? undefined,
      };
    }
    case 'charge.refunded':
      return { ...head, kind: 'charge', customer: idOf(event.data.object.customer), paymentIntent: idOf(event.data.object.payment_intent) };
    case 'charge.dispute.created': {
      const charge = event.data.object.charge;
      return { ...head, kind: 'dispute', customer: typeof charge === 'string' ? undefined : idOf(charge.customer), charge: typeof charge === 'string' ? charge : undefined };
    }
    default:
      return { ...head, kind: 'other' };
  }
}
