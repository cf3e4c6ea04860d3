// POST /v1/payment_intents: a one-time payment made through the API with a saved card (how a server charges
// a customer without Checkout, and how the Stripe contract pays for an offer on real Stripe, where the hosted
// page needs a person). Confirmed at once with `confirm: true`, it succeeds or fails as the card does.
import type { Engine } from '../engine.ts';
import { cardDeclined, invalidParam, invalidRequest, missingParam } from '../errors.ts';
import { allowOnly, bool, int, mergeMetadata, oneOf, requiredStr, str, strings } from '../form.ts';
import { route, type Route } from '../routes.ts';
import { paymentIntentShape } from '../shapes.ts';
import { recordCharge } from './charges.ts';
import { minimumCharge } from '../../../src/core/money.ts';
import { formatMinor, MINIMUM_CHARGE } from '../money.ts';

const CREATE = ['amount', 'currency', 'customer', 'payment_method', 'allowed_payment_method_types', 'excluded_payment_method_types', 'automatic_payment_methods', 'confirm', 'off_session', 'metadata', 'description', 'receipt_email', 'return_url', 'error_on_requires_action', 'capture_method', 'setup_future_usage', 'statement_descriptor_suffix', 'expand'];

export const paymentIntentRoutes: Route[] = [
  route('POST', '/v1/payment_intents', ({ engine, params }) => {
    allowOnly(params, CREATE);
    const amount = int(params, 'amount');
    if (amount === undefined) throw missingParam('amount');
    if (amount < 1) throw invalidParam('amount', 'This value must be greater than or equal to 1.', 'parameter_invalid_integer');
    const currency = requiredStr(params, 'currency').toLowerCase();
    // Stripe refuses a charge below the currency's minimum (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
    const minimum = minimumCharge(currency) ?? MINIMUM_CHARGE;
    if (amount < minimum) throw invalidParam('amount', `Amount must be at least ${formatMinor(minimum, currency)} ${currency}`, 'amount_too_small');
    const customer = str(params, 'customer') ? engine.store.require('customer', str(params, 'customer')!, 'customer') : undefined;
    const methodId = str(params, 'payment_method');
    const method = methodId ? engine.store.require('payment_method', methodId, 'payment_method') : undefined;
    if (method && customer && method.customer && method.customer !== customer.id) {
      throw invalidRequest('The provided PaymentMethod belongs to a different Customer. Attach it to this Customer first.', 'payment_method');
    }
    if (method && !customer && method.customer) {
      throw invalidRequest('The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again.', 'payment_method');
    }
    const confirm = bool(params, 'confirm') === true;
    // This API version has no `payment_method_types` parameter (PaymentIntentCreateParams): the intent takes the
    // payment methods enabled in the Dashboard, some of which redirect, so confirming at once needs a
    // return_url, or automatic_payment_methods[allow_redirects]=never (docs.stripe.com/payments/paymentintents/lifecycle).
    const types = strings(params, 'allowed_payment_method_types');
    const redirects = oneOf(params, ['automatic_payment_methods', 'allow_redirects'], ['always', 'never'] as const);
    if (confirm && redirects !== 'never' && !str(params, 'return_url')) {
      throw invalidRequest(
        'This PaymentIntent is configured to accept payment methods enabled in your Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents. If you do want to accept redirect-based payment methods, set `return_url` when confirming Setup Intents and Payment Intents.',
      );
    }
    if (confirm && !method) throw invalidRequest('You cannot confirm this PaymentIntent because it\'s missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken.');
    const intent = paymentIntentShape({
      now: engine.now(),
      amount,
      currency,
      customer: customer?.id ?? null,
      paymentMethod: method?.id ?? '',
      description: str(params, 'description') || null,
      metadata: mergeMetadata({}, params),
      receiptEmail: str(params, 'receipt_email') || null,
    });
    intent.payment_method = method?.id ?? null;
    intent.payment_method_types = types ?? ['card'];
    if (redirects) intent.automatic_payment_methods = { enabled: true, allow_redirects: redirects };
    if (!confirm) {
      intent.status = method ? 'requires_confirmation' : 'requires_payment_method';
      intent.amount_received = 0;
      engine.store.put(intent);
      engine.emit('payment_intent.created', intent);
      return intent;
    }
    // A card that "succeeds when attached, but attempts to charge the customer fail" (4000 0000 0000 0341).
    if (engine.store.data.cards[method!.id]?.failsLater) throw cardDeclined('Your card was declined.', 'generic_decline');
    // The charge behind it, so refunds and disputes work as for a Checkout payment.
    recordCharge(engine, intent, method!, (str(params, 'receipt_email') || (customer?.email as string | null | undefined)) ?? null);
    engine.store.put(intent);
    engine.emit('payment_intent.created', intent);
    engine.emit('payment_intent.succeeded', intent);
    return intent;
  }),
];
