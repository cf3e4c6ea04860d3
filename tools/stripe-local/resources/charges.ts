// Charges, refunds and disputes for one-time payments: the charge a payment intent makes, `POST
// /v1/refunds` (full or partial, as many times as there is money left), and disputes, which Stripe opens
// only from the card network: in test mode with the card 4000 0000 0000 0259, here also from the
// dashboard. Each sends Stripe's events (`charge.refunded`, `refund.created`, `charge.dispute.created`).
import type { Engine } from '../engine.ts';
import { invalidParam, invalidRequest } from '../errors.ts';
import { allowOnly, int, mergeMetadata, oneOf, str } from '../form.ts';
import { formatMinor } from '../money.ts';
import { listPage } from '../list.ts';
import { route, type Route } from '../routes.ts';
import { chargeShape, disputeShape, refundShape } from '../shapes.ts';
import type { StripeObject } from '../state.ts';

/** The charge behind a succeeded payment intent; sets the intent's `latest_charge`. */
export function recordCharge(engine: Engine, intent: StripeObject, paymentMethod: StripeObject, email: string | null): StripeObject {
  const charge = chargeShape({
    now: engine.now(),
    amount: Number(intent.amount),
    currency: String(intent.currency),
    customer: (intent.customer as string | null) ?? null,
    paymentIntent: intent.id,
    paymentMethod,
    description: (intent.description as string | null) ?? null,
    metadata: intent.metadata as Record<string, string>,
    email,
  });
  engine.store.put(charge);
  intent.latest_charge = charge.id;
  engine.store.put(intent);
  engine.emit('charge.succeeded', charge);
  return charge;
}

/** Opens a dispute on a charge, as a cardholder's bank would. */
export function openDispute(engine: Engine, charge: StripeObject, reason = 'fraudulent'): StripeObject {
  if (charge.disputed === true) throw invalidRequest(`Charge ${charge.id} is already disputed.`, 'charge');
  const dispute = disputeShape({ now: engine.now(), charge, reason });
  engine.store.put(dispute);
  charge.disputed = true;
  engine.store.put(charge);
  engine.emit('charge.dispute.created', dispute);
  return dispute;
}

function refund(engine: Engine, charge: StripeObject, amount: number | undefined, reason: string | null, metadata: Record<string, string>): StripeObject {
  const left = Number(charge.amount) - Number(charge.amount_refunded);
  if (charge.refunded === true || left <= 0) {
    throw invalidParam('charge', `Charge ${charge.id} has already been refunded.`, 'charge_already_refunded');
  }
  if (charge.disputed === true) {
    throw invalidParam('charge', `Charge ${charge.id} has been charged back; refunds are not possible on a disputed charge.`, 'charge_disputed');
  }
  const value = amount ?? left;
  if (value < 1) throw invalidParam('amount', 'This value must be greater than or equal to 1.', 'parameter_invalid_integer');
  if (value > left) {
    const currency = String(charge.currency);
    throw invalidParam('amount', `Refund amount (${formatMinor(value, currency)}) is greater than unrefunded amount on charge (${formatMinor(left, currency)})`, 'amount_too_large');
  }
  const made = refundShape({ now: engine.now(), amount: value, charge, reason, metadata });
  engine.store.put(made);
  const before = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded = Number(charge.amount_refunded) + value;
  charge.refunded = charge.amount_refunded === charge.amount;
  engine.store.put(charge);
  engine.emit('refund.created', made);
  engine.emit('charge.refunded', charge, before);
  return made;
}

export const chargeRoutes: Route[] = [
  route('POST', '/v1/refunds', ({ engine, params }) => {
    allowOnly(params, ['charge', 'payment_intent', 'amount', 'reason', 'metadata', 'instructions_email', 'origin', 'refund_application_fee', 'reverse_transfer', 'customer', 'currency']);
    const chargeId = str(params, 'charge');
    const intentId = str(params, 'payment_intent');
    if (chargeId && intentId) throw invalidRequest('You may only specify one of these parameters: charge, payment_intent.', 'payment_intent');
    let charge: StripeObject;
    if (chargeId) {
      charge = engine.store.require('charge', chargeId, 'charge');
    } else if (intentId) {
      const intent = engine.store.require('payment_intent', intentId, 'payment_intent');
      const latest = intent.latest_charge as string | null;
      if (!latest) throw invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, 'payment_intent');
      charge = engine.store.require('charge', latest, 'payment_intent');
    } else {
      throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.');
    }
    const reason = oneOf(params, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer'] as const) ?? null;
    return refund(engine, charge, int(params, 'amount'), reason, mergeMetadata({}, params));
  }),
  // Listed by `npm run fans` (src/fans/read.ts), which reads every refund to net revenue.
  route('GET', '/v1/refunds', ({ engine, params, path }) => {
    allowOnly(params, ['charge', 'payment_intent', 'limit', 'starting_after', 'ending_before', 'created']);
    const charge = str(params, 'charge');
    const intent = str(params, 'payment_intent');
    return listPage(engine.store, 'refund', (r) => (!charge || r.charge === charge) && (!intent || r.payment_intent === intent), params, path, 'refund');
  }),
  route('GET', '/v1/charges/:id', ({ engine, ids }) => engine.store.require('charge', ids[0] ?? '')),
  route('GET', '/v1/disputes/:id', ({ engine, ids }) => engine.store.require('dispute', ids[0] ?? '')),
  route('GET', '/v1/disputes', ({ engine, params, path }) => {
    allowOnly(params, ['charge', 'payment_intent', 'limit', 'starting_after', 'ending_before', 'created']);
    const charge = str(params, 'charge');
    const intent = str(params, 'payment_intent');
    return listPage(engine.store, 'dispute', (d) => (!charge || d.charge === charge) && (!intent || d.payment_intent === intent), params, path, 'dispute');
  }),
];
