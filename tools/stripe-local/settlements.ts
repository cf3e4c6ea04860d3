// Payment methods that settle later (SEPA Debit, ACH): Checkout completes with `payment_status: 'unpaid'`
// and the payment intent `processing`; when the bank answers, Stripe sends
// `checkout.session.async_payment_succeeded` or `..._failed`. The stand-in's bank answers on its test
// clock, SETTLE_AFTER_SEC after the checkout, with Stripe's test IBANs deciding which.
import type { Engine } from './engine.ts';
import { recordCharge } from './resources/charges.ts';
import type { Settlement } from './state.ts';

/** Stripe's test-mode bank debits settle within minutes; the stand-in takes three on its clock. */
export const SETTLE_AFTER_SEC = 180;

/** Stripe's SEPA test IBANs: AT61... settles, AT86... fails. Others are refused like an unknown account. */
export const TEST_IBANS: Readonly<Record<string, { succeeds: boolean }>> = {
  AT611904300234573201: { succeeds: true },
  AT861904300235473202: { succeeds: false },
};

export function pendingSettlements(engine: Engine): Settlement[] {
  return Object.values(engine.store.data.settlements);
}

export function settle(engine: Engine, settlement: Settlement): void {
  delete engine.store.data.settlements[settlement.intent];
  engine.store.touch();
  const session = engine.store.get('checkout.session', settlement.session);
  const intent = engine.store.get('payment_intent', settlement.intent);
  if (!session || !intent) return;
  if (settlement.succeeds) {
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    const method = engine.store.require('payment_method', String(intent.payment_method));
    recordCharge(engine, intent, method, (session.customer_details as { email?: string } | null)?.email ?? null);
    engine.emit('payment_intent.succeeded', intent);
    session.payment_status = 'paid';
    engine.store.put(session);
    engine.emit('checkout.session.async_payment_succeeded', session);
  } else {
    intent.status = 'requires_payment_method';
    intent.last_payment_error = { type: 'invalid_request_error', code: 'payment_method_unactivated', message: 'The bank declined the debit (test IBAN AT86...).', decline_code: null };
    engine.store.put(intent);
    engine.emit('payment_intent.payment_failed', intent);
    engine.emit('checkout.session.async_payment_failed', session);
  }
}
