// POST /v1/payment_methods/:id/attach: saving a card on a customer through the API, the way a server (or a
// test) sets up a paying customer without Checkout. In test mode Stripe accepts its test PaymentMethods
// (`pm_card_visa` and friends, docs.stripe.com/testing, "PaymentMethods") in place of a card: attaching one
// makes a NEW PaymentMethod with its own `pm_...` id on the customer, so code must use the id returned.
import { checkCard, type CheckedCard } from '../cards.ts';
import type { Engine } from '../engine.ts';
import { cardDeclined, invalidRequest, resourceMissing } from '../errors.ts';
import { allowOnly, requiredStr } from '../form.ts';
import { route, type Route } from '../routes.ts';
import { paymentMethodShape } from '../shapes.ts';
import type { StripeObject } from '../state.ts';

/** Stripe's test PaymentMethods and the test card each stands for (cards.ts decides what the card does). */
const TEST_PAYMENT_METHODS: Record<string, string> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_amex: '378282246310005',
  pm_card_discover: '6011111111111117',
  // "Attaching this card to a Customer object succeeds, but attempts to charge the customer fail."
  pm_card_chargeCustomerFail: '4000000000000341',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
};

function testCard(engine: Engine, token: string): CheckedCard | undefined {
  const number = TEST_PAYMENT_METHODS[token];
  if (!number) return undefined;
  const year = new Date(engine.now() * 1000).getUTCFullYear() + 5;
  const check = checkCard({ number, expiry: `12 / ${year}`, cvc: number.startsWith('37') ? '1234' : '123' }, engine.now());
  return check.ok ? check.card : undefined;
}

function attach(engine: Engine, id: string, customerId: string): StripeObject {
  const customer = engine.store.require('customer', customerId, 'customer');
  const card = testCard(engine, id);
  if (card) {
    // A declining test card fails to attach: Stripe checks the card with the bank when it is saved.
    if (card.outcome.decline) throw cardDeclined(card.outcome.decline.message, card.outcome.decline.declineCode, card.outcome.decline.code);
    const method = paymentMethodShape({
      now: engine.now(),
      customer: customer.id,
      email: (customer.email as string | null) ?? '',
      name: (customer.name as string | null) ?? null,
      brand: card.brand,
      last4: card.last4,
      expMonth: card.expMonth,
      expYear: card.expYear,
    });
    (method.billing_details as { email: string | null }).email = (customer.email as string | null) ?? null;
    engine.store.put(method);
    engine.store.data.cards[method.id] = { failsLater: card.outcome.failsLater === true };
    engine.emit('payment_method.attached', method);
    return method;
  }
  const method = engine.store.get('payment_method', id);
  if (!method) throw resourceMissing('PaymentMethod', id);
  if (method.customer === customer.id) return method;
  if (method.customer) throw invalidRequest('The payment method you provided has already been attached to a customer.');
  method.customer = customer.id;
  engine.store.put(method);
  engine.emit('payment_method.attached', method);
  return method;
}

export const paymentMethodRoutes: Route[] = [
  route('POST', '/v1/payment_methods/:id/attach', ({ engine, params, ids }) => {
    allowOnly(params, ['customer', 'customer_account', 'expand']);
    return attach(engine, ids[0] ?? '', requiredStr(params, 'customer'));
  }),
];
