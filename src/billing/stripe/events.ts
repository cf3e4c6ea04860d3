// Stripe webhook events decoded into the few the core acts on (BillingEvent). Decoding reads only the
// event itself, never Stripe, so a bad signature and a fault while handling stay apart.

import type Stripe from 'stripe';
import type { BillingEvent } from '../../core/billing.ts';
import { checkoutRecord, isSiteSubscription } from './entitlements.ts';

const idOf = (value: string | { id: string } | null | undefined): string | undefined => (typeof value === 'string' ? value : (value?.id ?? undefined));

export function decodeEvent(event: Stripe.Event): BillingEvent {
  const head = { id: event.id, type: event.type, created: event.created };
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
      return { ...head, kind: 'checkout', checkout: checkoutRecord(event.data.object) };
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
      return { ...head, kind: 'subscription', customer: idOf(event.data.object.customer), site: isSiteSubscription(event.data.object) };
    case 'invoice.payment_failed': {
      const invoice = event.data.object;
      // The subscription metadata Stripe snapshots on the invoice (`parent.subscription_details.metadata`,
      // which checkout sets to `truefans_tier`), else the subscription itself. A one-off invoice is not the site's.
      const details = invoice.parent?.subscription_details;
      const sub = details?.subscription;
      const site = !details ? false : details.metadata?.truefans_tier ? true : sub && typeof sub === 'object' ? isSiteSubscription(sub) : undefined;
      return { ...head, kind: 'invoice', customer: idOf(invoice.customer), email: invoice.customer_email ?? undefined, site, subscription: typeof sub === 'string' ? sub : undefined };
    }
    case 'charge.refunded':
      return { ...head, kind: 'charge', customer: idOf(event.data.object.customer) };
    case 'charge.dispute.created': {
      const charge = event.data.object.charge;
      return { ...head, kind: 'dispute', customer: typeof charge === 'string' ? undefined : idOf(charge.customer), charge: typeof charge === 'string' ? charge : undefined };
    }
    default:
      return { ...head, kind: 'other' };
  }
}
