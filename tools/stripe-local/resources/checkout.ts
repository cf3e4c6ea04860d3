// /v1/checkout/sessions: create (subscription or payment mode), retrieve, list, expire, line items;
// and what the hosted page does when a fan pays: the customer, the card, the subscription or payment.
import { startSubscription, createDiscount, couponAmountOff } from '../billing.ts';
import { checkCard, type CheckedCard } from '../cards.ts';
import type { Engine } from '../engine.ts';
import { invalidParam, invalidRequest, missingParam } from '../errors.ts';
import { allowOnly, arr, bool, int, mergeMetadata, obj, oneOf, paramName, str, type Params } from '../form.ts';
import { newId } from '../ids.ts';
import { createdFilter, listPage, paginate } from '../list.ts';
import { formatMinor, parseMoney } from '../money.ts';
import { minimumCharge } from '../../../src/core/money.ts';
import { MINIMUM_CHARGE } from '../money.ts';
import { route, type Route } from '../routes.ts';
import { checkoutSessionShape, customerDetails, lineItemShape, paymentIntentShape, paymentMethodShape, type CustomUnitAmount } from '../shapes.ts';
import type { SessionExtras, StripeObject } from '../state.ts';
import { createPrice } from './catalog.ts';
import { openDispute, recordCharge } from './charges.ts';
import { SETTLE_AFTER_SEC, TEST_IBANS } from '../settlements.ts';
import { createCustomer } from './customers.ts';

const CREATE = ['adaptive_pricing', 'after_expiration', 'allow_promotion_codes', 'allowed_payment_method_types', 'automatic_tax', 'billing_address_collection', 'branding_settings', 'cancel_url', 'client_reference_id', 'consent_collection', 'currency', 'custom_fields', 'custom_text', 'customer', 'customer_account', 'customer_creation', 'customer_email', 'customer_update', 'discounts', 'excluded_payment_method_types', 'expires_at', 'integration_identifier', 'invoice_creation', 'line_items', 'locale', 'managed_payments', 'metadata', 'mode', 'name_collection', 'optional_items', 'origin_context', 'payment_intent_data', 'payment_method_collection', 'payment_method_configuration', 'payment_method_data', 'payment_method_options', 'payment_method_types', 'permissions', 'phone_number_collection', 'redirect_on_completion', 'return_url', 'saved_payment_method_options', 'setup_intent_data', 'shipping_address_collection', 'shipping_options', 'submit_type', 'subscription_data', 'success_url', 'tax_id_collection', 'ui_mode', 'wallet_options'];

/** Checkout sessions last 24 hours unless `expires_at` says sooner (at least 30 minutes). */
const DEFAULT_LIFETIME_SEC = 24 * 3600;

function checkUrl(value: string | undefined, param: string): string | null {
  if (value === undefined || value === '') return null;
  let url: URL;
  try {
    url = new URL(value.replace('{CHECKOUT_SESSION_ID}', 'x'));
  } catch {
    throw invalidParam(param, 'Not a valid URL', 'url_invalid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidParam(param, 'Not a valid URL', 'url_invalid');
  return value;
}

// custom_text: up to four messages shown on the hosted page, each "up to 1200 characters"
// (SessionCreateParams.CustomText in stripe's types); an empty value unsets one (Emptyable). Stripe's
// docs (payments/checkout/customization/policies) allow bold and links in Markdown. A custom
// terms_of_service_acceptance replaces the terms agreement, so it needs consent_collection[terms_of_service]
// = required; and that needs a terms of service URL in the account's public details (Dashboard), which
// the stand-in's account never has, so it refuses it as Stripe refuses an account without one.
const CUSTOM_TEXT = ['after_submit', 'shipping_address', 'submit', 'terms_of_service_acceptance'] as const;
export const CUSTOM_TEXT_MAX = 1200;

function readConsentAndText(params: Params): { consent: Record<string, string> | null; text: Record<(typeof CUSTOM_TEXT)[number], { message: string } | null> } {
  const consent = obj(params, 'consent_collection');
  if (consent) allowOnly(consent, ['payment_method_reuse_agreement', 'promotions', 'terms_of_service'], ['consent_collection']);
  const terms = oneOf(params, ['consent_collection', 'terms_of_service'], ['none', 'required'] as const);
  if (terms === 'required') {
    throw invalidParam(
      'consent_collection[terms_of_service]',
      'You cannot collect consent to your terms of service unless a URL is set in the Stripe Dashboard. Update your public business details with a terms of service URL at https://dashboard.stripe.com/settings/public.',
      'parameter_invalid_empty',
    );
  }
  const promotions = oneOf(params, ['consent_collection', 'promotions'], ['auto', 'none'] as const);
  const custom = obj(params, 'custom_text');
  if (custom) allowOnly(custom, CUSTOM_TEXT, ['custom_text']);
  const text = { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null } as Record<(typeof CUSTOM_TEXT)[number], { message: string } | null>;
  for (const key of CUSTOM_TEXT) {
    const entry = obj(params, ['custom_text', key]);
    if (!entry) continue;
    allowOnly(entry, ['message'], ['custom_text', key]);
    const message = str(params, ['custom_text', key, 'message']);
    if (message === undefined || message === '') throw missingParam(`custom_text[${key}][message]`);
    if (message.length > CUSTOM_TEXT_MAX) {
      throw invalidParam(`custom_text[${key}][message]`, `Invalid string: ${message.slice(0, 20)}...; must be at most ${CUSTOM_TEXT_MAX} characters`, 'parameter_invalid_string');
    }
    if (key === 'terms_of_service_acceptance') {
      throw invalidParam('custom_text[terms_of_service_acceptance]', 'You can only set `custom_text[terms_of_service_acceptance]` when `consent_collection[terms_of_service]` is `required`.', 'parameter_invalid_empty');
    }
    text[key] = { message };
  }
  return { consent: consent ? { ...(promotions ? { promotions } : {}), ...(terms ? { terms_of_service: terms } : {}) } : null, text };
}

// custom_fields (SessionCreateParams.CustomField in stripe's types): "Up to 3 fields are supported"; a key
// "unique to this field, alphanumeric, and up to 200 characters"; a custom label; `optional` defaults to false.
// The stand-in draws text fields only and refuses dropdown and numeric ones rather than show them wrongly.
// Stripe's text fields take a length between 1 and 255 characters (Checkout's custom fields docs).
const TEXT_FIELD_MAX = 255;

function readCustomFields(params: Params): StripeObject['custom_fields'] {
  const raw = arr(params, 'custom_fields');
  if (!raw) return [];
  if (raw.length > 3) throw invalidParam('custom_fields', 'Invalid array: at most 3 custom fields are supported.', 'parameter_invalid_array');
  const keys = new Set<string>();
  return raw.map((_, index) => {
    const at = (...rest: string[]) => ['custom_fields', String(index), ...rest];
    const field = obj(params, at());
    if (!field) throw missingParam(paramName(at()));
    allowOnly(field, ['key', 'label', 'type', 'optional', 'text', 'dropdown', 'numeric'], at());
    const key = str(params, at('key'));
    if (!key) throw missingParam(paramName(at('key')));
    if (!/^[A-Za-z0-9]{1,200}$/.test(key)) throw invalidParam(paramName(at('key')), 'Custom field keys must be alphanumeric and at most 200 characters.', 'parameter_invalid_string');
    if (keys.has(key)) throw invalidParam(paramName(at('key')), `Custom field keys must be unique; "${key}" is used twice.`, 'parameter_invalid_string');
    keys.add(key);
    const type = oneOf(params, at('type'), ['dropdown', 'numeric', 'text'] as const);
    if (!type) throw missingParam(paramName(at('type')));
    if (type !== 'text') throw invalidParam(paramName(at('type')), 'The local Stripe stand-in supports custom fields of type text only.', 'parameter_invalid_string');
    if (oneOf(params, at('label', 'type'), ['custom'] as const) !== 'custom') throw missingParam(paramName(at('label', 'type')));
    const label = str(params, at('label', 'custom'));
    if (!label) throw missingParam(paramName(at('label', 'custom')));
    if (label.length > 100) throw invalidParam(paramName(at('label', 'custom')), 'Invalid string: must be at most 100 characters', 'parameter_invalid_string');
    const text = obj(params, at('text'));
    if (text) allowOnly(text, ['minimum_length', 'maximum_length', 'default_value'], at('text'));
    const minimum = int(params, at('text', 'minimum_length')) ?? null;
    const maximum = int(params, at('text', 'maximum_length')) ?? null;
    for (const [name, value] of [['minimum_length', minimum], ['maximum_length', maximum]] as const) {
      if (value !== null && (value < 1 || value > TEXT_FIELD_MAX)) {
        throw invalidParam(paramName(at('text', name)), `This value must be greater than or equal to 1 and less than or equal to ${TEXT_FIELD_MAX}.`, 'parameter_invalid_integer');
      }
    }
    if (minimum !== null && maximum !== null && minimum > maximum) {
      throw invalidParam(paramName(at('text', 'minimum_length')), 'The minimum length must be less than or equal to the maximum length.', 'parameter_invalid_integer');
    }
    return {
      key,
      label: { custom: label, type: 'custom' },
      optional: bool(params, at('optional')) ?? false,
      type: 'text',
      text: { default_value: str(params, at('text', 'default_value')) || null, maximum_length: maximum, minimum_length: minimum, value: null },
    };
  });
}

/** A text field as the fan filled it in: an error for the page, or the values to store (empty is null). */
export function fillCustomFields(session: StripeObject, values: Record<string, string>): { ok: true; fields: unknown[] } | { ok: false; field: string; message: string } {
  const fields = (session.custom_fields ?? []) as { key: string; label: { custom: string }; optional: boolean; text: { minimum_length: number | null; maximum_length: number | null; value: string | null } }[];
  const filled = [];
  for (const field of fields) {
    const value = (values[field.key] ?? '').trim();
    if (!value && !field.optional) return { ok: false, field: `custom_${field.key}`, message: `${field.label.custom} is required.` };
    if (value && field.text.minimum_length !== null && value.length < field.text.minimum_length) {
      return { ok: false, field: `custom_${field.key}`, message: `${field.label.custom} must be at least ${field.text.minimum_length} characters.` };
    }
    if (value && value.length > (field.text.maximum_length ?? TEXT_FIELD_MAX)) {
      return { ok: false, field: `custom_${field.key}`, message: `${field.label.custom} must be at most ${field.text.maximum_length ?? TEXT_FIELD_MAX} characters.` };
    }
    filled.push({ ...field, text: { ...field.text, value: value || null } });
  }
  return { ok: true, fields: filled };
}

interface Line {
  price: StripeObject;
  quantity: number;
}

function readLines(engine: Engine, params: Params, mode: 'payment' | 'subscription'): Line[] {
  const raw = arr(params, 'line_items');
  if (!raw || raw.length === 0) throw missingParam('line_items');
  return raw.map((_, index) => {
    const at = (...rest: string[]) => ['line_items', String(index), ...rest];
    const priceId = str(params, at('price'));
    let price: StripeObject;
    if (priceId) {
      price = engine.store.require('price', priceId, paramName(at('price')));
      if (!price.active) {
        throw invalidParam(paramName(at('price')), 'The price specified is inactive. This field only accepts active prices.', 'resource_missing');
      }
    } else if (obj(params, at('price_data'))) {
      price = createPrice(engine, params, { inline: true, prefix: at('price_data') });
    } else {
      throw invalidRequest(`You must specify either \`price\` or \`price_data\` in ${paramName(at())}.`, paramName(at('price')));
    }
    const quantity = int(params, at('quantity'));
    if (quantity === undefined) throw missingParam(paramName(at('quantity')));
    if (quantity < 1) throw invalidParam(paramName(at('quantity')), 'This value must be greater than or equal to 1.', 'parameter_invalid_integer');
    if (mode === 'payment' && price.recurring) {
      throw invalidParam(paramName(at('price')), 'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.', 'checkout_session_mode_mismatch');
    }
    if (mode === 'subscription' && !price.recurring) {
      throw invalidParam(paramName(at('price')), 'You must provide at least one recurring price in `subscription` mode when using prices.', 'checkout_session_mode_mismatch');
    }
    return { price, quantity };
  });
}

function findPromotionCode(engine: Engine, code: string): StripeObject | undefined {
  const now = engine.now();
  return engine.store.all('promotion_code').find((promo) => {
    if (String(promo.code).toLowerCase() !== code.trim().toLowerCase() || !promo.active) return false;
    if (promo.expires_at !== null && Number(promo.expires_at) <= now) return false;
    const coupon = engine.store.get('coupon', String((promo.promotion as { coupon: string }).coupon));
    return coupon !== undefined && coupon.valid === true;
  });
}

function sessionItems(engine: Engine, session: StripeObject): StripeObject[] {
  return engine.store.data.sessionItems[session.id] ?? [];
}

function priceOf(engine: Engine, item: StripeObject): StripeObject {
  return engine.store.require('price', String(item.price));
}

/** Recomputes a session's amounts from its items, its discount and any trial ("due today"). */
function recomputeAmounts(engine: Engine, session: StripeObject): void {
  const items = sessionItems(engine, session);
  const trial = session.mode === 'subscription' && trialDaysOf(engine, session) !== null;
  let subtotal: number | null = 0;
  for (const item of items) {
    const price = priceOf(engine, item);
    const amount = price.custom_unit_amount ? (item.amount_subtotal as number | null) : Number(price.unit_amount) * Number(item.quantity);
    if (amount === null || subtotal === null) subtotal = null;
    else subtotal += amount;
  }
  const discount = (session.discounts as { coupon: string | null }[])[0];
  const coupon = discount?.coupon ? engine.store.get('coupon', discount.coupon) : undefined;
  const off = coupon && subtotal !== null && !trial ? couponAmountOff(coupon, subtotal) : 0;
  session.amount_subtotal = trial ? 0 : subtotal;
  session.amount_total = trial ? 0 : subtotal === null ? null : subtotal - off;
  session.total_details = { amount_discount: off, amount_shipping: 0, amount_tax: 0 };
}

function extrasOf(engine: Engine, session: StripeObject): SessionExtras {
  return engine.store.data.sessionExtras[session.id] ?? { trialDays: null, trialEnd: null, subscriptionMetadata: {}, subscriptionDescription: null, paymentMetadata: {}, paymentDescription: null };
}

function trialDaysOf(engine: Engine, session: StripeObject): number | null {
  return extrasOf(engine, session).trialDays;
}

export function createSession(engine: Engine, params: Params): StripeObject {
  allowOnly(params, CREATE);
  const mode = oneOf(params, 'mode', ['payment', 'subscription', 'setup'] as const);
  if (!mode) throw missingParam('mode');
  if (mode === 'setup') throw invalidParam('mode', 'The local Stripe stand-in does not support `setup` mode.', 'parameter_invalid_string');
  const uiMode = oneOf(params, 'ui_mode', ['hosted', 'embedded', 'custom', 'hosted_page', 'embedded_page', 'elements'] as const);
  if (uiMode && uiMode !== 'hosted' && uiMode !== 'hosted_page') {
    throw invalidParam('ui_mode', 'The local Stripe stand-in only supports the hosted checkout page.', 'parameter_invalid_string');
  }
  const customerId = str(params, 'customer') || null;
  const customerEmail = str(params, 'customer_email') || null;
  if (customerId && customerEmail) throw invalidRequest('You may only specify one of these parameters: customer, customer_email.', 'customer_email');
  if (customerId) engine.store.require('customer', customerId, 'customer');
  const allowPromotionCodes = bool(params, 'allow_promotion_codes') ?? null;
  const discountsParam = arr(params, 'discounts');
  if (allowPromotionCodes && discountsParam?.length) {
    throw invalidRequest('You may only specify one of these parameters: allow_promotion_codes, discounts.', 'discounts');
  }
  const customerCreation = oneOf(params, 'customer_creation', ['always', 'if_required'] as const) ?? null;
  if (customerCreation && mode !== 'payment') {
    throw invalidParam('customer_creation', '`customer_creation` can only be used in `payment` mode.', 'parameter_invalid_string');
  }
  const now = engine.now();
  const expiresAt = int(params, 'expires_at') ?? now + DEFAULT_LIFETIME_SEC;
  if (expiresAt < now + 1800 || expiresAt > now + DEFAULT_LIFETIME_SEC) {
    throw invalidParam('expires_at', 'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.', 'parameter_invalid_integer');
  }
  const clientReferenceId = str(params, 'client_reference_id') || null;
  if (clientReferenceId && clientReferenceId.length > 200) {
    throw invalidParam('client_reference_id', 'client_reference_id must be at most 200 characters.', 'parameter_invalid_string');
  }
  const trialDays = int(params, ['subscription_data', 'trial_period_days']) ?? null;
  const trialEnd = int(params, ['subscription_data', 'trial_end']) ?? null;
  if (trialDays !== null && (trialDays < 1 || trialDays > 730)) {
    throw invalidParam('subscription_data[trial_period_days]', 'The trial period must be between 1 and 730 days.', 'parameter_invalid_integer');
  }
  if (trialEnd !== null && trialEnd < now + 2 * 86_400) {
    throw invalidParam('subscription_data[trial_end]', 'The `trial_end` date has to be at least 2 days in the future.', 'parameter_invalid_integer');
  }
  if (mode !== 'subscription' && obj(params, 'subscription_data')) {
    throw invalidParam('subscription_data', 'You can not pass `subscription_data` in `payment` mode.', 'parameter_invalid_empty');
  }
  // Stripe Tax needs an address: Checkout collects one, but for an existing customer without one, Stripe
  // requires `customer_update[address]` (or `[shipping]`) = auto so the address entered is saved.
  const automaticTax = bool(params, ['automatic_tax', 'enabled']) === true;
  const customerUpdate = obj(params, 'customer_update');
  if (customerUpdate && !customerId) throw invalidParam('customer_update', '`customer_update` can only be used with `customer`.', 'parameter_invalid_empty');
  const addressUpdate = oneOf(params, ['customer_update', 'address'], ['auto', 'never'] as const);
  const shippingUpdate = oneOf(params, ['customer_update', 'shipping'], ['auto', 'never'] as const);
  if (automaticTax && customerId) {
    const address = engine.store.require('customer', customerId, 'customer').address as { country?: string | null } | null;
    if (!address?.country && addressUpdate !== 'auto' && shippingUpdate !== 'auto') {
      throw invalidParam(
        'automatic_tax[enabled]',
        "Automatic tax calculation in Checkout requires a valid address on the Customer. Add a valid address to the Customer or set either `customer_update[address]` to 'auto' or `customer_update[shipping]` to 'auto' to save the address entered in Checkout to the Customer.",
        'customer_tax_location_invalid',
      );
    }
  }
  const { consent, text: customText } = readConsentAndText(params);
  const customFields = readCustomFields(params);
  const successUrl = checkUrl(str(params, 'success_url'), 'success_url');
  const cancelUrl = checkUrl(str(params, 'cancel_url'), 'cancel_url');
  const lines = readLines(engine, params, mode);
  if (automaticTax) {
    // The stand-in's account has no default tax behavior in its Tax settings, so each price needs one.
    const index = lines.findIndex((line) => line.price.tax_behavior === 'unspecified');
    if (index >= 0) {
      throw invalidParam(`line_items[${index}][price]`, 'Automatic tax requires every price to have a `tax_behavior` of `inclusive` or `exclusive`, or a default tax behavior in your Tax settings.', 'parameter_invalid_empty');
    }
  }
  const currency = String(lines[0]?.price.currency);
  if (lines.some((line) => line.price.currency !== currency)) {
    throw invalidParam('line_items', 'All prices in a Checkout Session must use the same currency.', 'parameter_invalid_empty');
  }
  const id = newId('cs');
  const session = checkoutSessionShape({
    now,
    id,
    url: `${engine.baseUrl}/c/pay/${id}`,
    mode,
    currency,
    amountSubtotal: null,
    amountTotal: null,
    allowPromotionCodes,
    cancelUrl,
    successUrl,
    clientReferenceId,
    customer: customerId,
    customerEmail,
    customerCreation: mode === 'payment' ? (customerCreation ?? 'if_required') : null,
    expiresAt,
    metadata: mergeMetadata({}, params),
    locale: str(params, 'locale') || null,
    submitType: str(params, 'submit_type') || null,
  });
  session.custom_text = customText;
  session.custom_fields = customFields;
  if (consent) session.consent_collection = { payment_method_reuse_agreement: null, promotions: consent.promotions ?? 'none', terms_of_service: consent.terms_of_service ?? 'none' };
  engine.store.data.sessionItems[id] = lines.map(({ price, quantity }) => {
    const product = engine.store.get('product', String(price.product));
    const custom = price.custom_unit_amount as CustomUnitAmount | null;
    const amount = custom ? (custom.preset ?? null) : Number(price.unit_amount) * quantity;
    const item = lineItemShape({ price, description: String(product?.name ?? ''), quantity, amount: amount ?? 0, discount: 0 });
    if (amount === null) {
      item.amount_subtotal = null;
      item.amount_total = null;
    }
    return item;
  });
  engine.store.data.sessionExtras[id] = {
    trialDays: trialDays ?? (trialEnd !== null ? Math.ceil((trialEnd - now) / 86_400) : null),
    trialEnd,
    subscriptionMetadata: mergeMetadata({}, params, ['subscription_data', 'metadata']),
    subscriptionDescription: str(params, ['subscription_data', 'description']) || null,
    paymentMetadata: mergeMetadata({}, params, ['payment_intent_data', 'metadata']),
    paymentDescription: str(params, ['payment_intent_data', 'description']) || null,
  };
  if (discountsParam?.length) {
    const promoId = str(params, ['discounts', '0', 'promotion_code']);
    const couponId = str(params, ['discounts', '0', 'coupon']);
    const promo = promoId ? engine.store.require('promotion_code', promoId, 'discounts[0][promotion_code]') : undefined;
    const coupon = couponId
      ? engine.store.require('coupon', couponId, 'discounts[0][coupon]')
      : promo
        ? engine.store.require('coupon', String((promo.promotion as { coupon: string }).coupon))
        : undefined;
    if (coupon) session.discounts = [{ coupon: coupon.id, promotion_code: promo?.id ?? null }];
  }
  if (automaticTax) {
    // No tax registrations in the stand-in: Stripe Tax computes zero tax, and says it did.
    session.automatic_tax = { enabled: true, liability: { type: 'self' }, status: 'complete', provider: 'stripe' };
  }
  recomputeAmounts(engine, session);
  // Stripe refuses, at creation, a session whose amount due is below the currency's minimum charge
  // (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts); zero (a trial, a full
  // discount) is allowed, and a custom amount is checked when the fan enters it.
  const due = session.amount_total as number | null;
  const minimum = minimumCharge(currency) ?? MINIMUM_CHARGE;
  if (due !== null && due > 0 && due < minimum) {
    throw invalidParam('line_items', `The Checkout Session's total amount due must add up to at least ${formatMinor(minimum, currency)} ${currency}`, 'amount_too_small');
  }
  engine.store.put(session);
  return session;
}

export function applyPromotionCode(engine: Engine, session: StripeObject, code: string): string | undefined {
  if (code.trim() === '') {
    session.discounts = [];
  } else {
    const promo = findPromotionCode(engine, code);
    if (!promo) return 'This code is invalid.';
    session.discounts = [{ coupon: (promo.promotion as { coupon: string }).coupon, promotion_code: promo.id }];
  }
  recomputeAmounts(engine, session);
  engine.store.put(session);
  return undefined;
}

export interface PaymentForm {
  email: string;
  name: string;
  cardNumber: string;
  expiry: string;
  cvc: string;
  amount?: string | undefined;
  /** A bank debit instead of a card: one of Stripe's test IBANs (settlements.ts). */
  iban?: string | undefined;
  /** What the fan typed in the session's custom fields, by key. */
  customFields?: Record<string, string> | undefined;
}

export type CompleteResult =
  | { ok: true; redirect: string | null }
  | { ok: false; field: string; message: string; status: number };


export function completeSession(engine: Engine, session: StripeObject, form: PaymentForm): CompleteResult {
  if (session.status !== 'open') {
    return { ok: false, field: 'form', message: 'This Checkout Session is no longer active.', status: 409 };
  }
  const customerId = session.customer as string | null;
  const existing = customerId ? engine.store.require('customer', customerId) : undefined;
  const email = (existing?.email as string | null) ?? (session.customer_email as string | null) ?? form.email.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    return { ok: false, field: 'email', message: 'Your email address is invalid.', status: 400 };
  }
  const items = sessionItems(engine, session);
  for (const item of items) {
    const custom = priceOf(engine, item).custom_unit_amount as CustomUnitAmount | null;
    if (!custom) continue;
    const currency = String(session.currency);
    const amount = form.amount === undefined ? undefined : parseMoney(form.amount, currency);
    if (amount === undefined) return { ok: false, field: 'amount', message: 'Enter an amount.', status: 400 };
    const minimum = Math.max(custom.minimum ?? 0, minimumCharge(currency) ?? MINIMUM_CHARGE);
    if (amount < minimum) return { ok: false, field: 'amount', message: `Enter an amount of at least ${formatMinor(minimum, currency)}.`, status: 400 };
    if (custom.maximum !== null && amount > custom.maximum) {
      return { ok: false, field: 'amount', message: `Enter an amount of at most ${formatMinor(custom.maximum, currency)}.`, status: 400 };
    }
    item.amount_subtotal = amount * Number(item.quantity);
    item.amount_total = amount * Number(item.quantity);
  }
  const iban = form.iban === undefined ? undefined : form.iban.replace(/\s/g, '').toUpperCase();
  if (iban !== undefined) {
    if (session.mode !== 'payment') return { ok: false, field: 'iban', message: 'The stand-in offers bank debit for one-time payments only.', status: 400 };
    if (!Object.hasOwn(TEST_IBANS, iban)) return { ok: false, field: 'iban', message: 'Use a test IBAN: AT61 1904 3002 3457 3201 settles, AT86 1904 3002 3547 3202 fails.', status: 400 };
  }
  const check: ReturnType<typeof checkCard> = iban !== undefined
    ? { ok: true, card: { last4: iban.slice(-4), brand: 'sepa_debit', expMonth: 12, expYear: 2099, outcome: { brand: 'sepa_debit' } } }
    : checkCard({ number: form.cardNumber, expiry: form.expiry, cvc: form.cvc }, engine.now());
  if (!check.ok) return { ok: false, field: check.field, message: check.message, status: 400 };
  if (check.card.outcome.decline) {
    return { ok: false, field: 'card_number', message: check.card.outcome.decline.message, status: 402 };
  }
  const custom = fillCustomFields(session, form.customFields ?? {});
  if (!custom.ok) return { ok: false, field: custom.field, message: custom.message, status: 400 };
  session.custom_fields = custom.fields;
  recomputeAmounts(engine, session);
  const name = form.name.trim() || null;
  // Stripe (SessionCreateParams.customer): "If blank for Checkout Sessions in `subscription` mode or with
  // `customer_creation` set as `always` in `payment` mode, Checkout will create a new Customer object". A new
  // one, every time: Stripe never reuses a customer by email, so neither does the stand-in. Otherwise (payment
  // mode, `if_required`, the default) the payer stays a guest and the session's `customer` is null.
  const customer =
    existing ??
    (session.mode === 'subscription' || session.customer_creation === 'always' ? createCustomer(engine, { email, ...(name ? { name } : {}) }) : undefined);
  const paymentMethod = attachCard(engine, check.card, customer?.id ?? null, email, name);
  if (iban !== undefined) {
    paymentMethod.type = 'sepa_debit';
    paymentMethod.card = null;
    paymentMethod.sepa_debit = { bank_code: iban.slice(4, 9), branch_code: '', country: iban.slice(0, 2), fingerprint: `local${iban.slice(-8)}`, generated_from: null, last4: iban.slice(-4) };
    engine.store.put(paymentMethod);
  }
  const discount = (session.discounts as { coupon: string | null; promotion_code: string | null }[])[0];
  /** The 0259 card's charge, disputed by the cardholder once the checkout is complete. */
  let disputeAfter: StripeObject | undefined;
  if (session.mode === 'subscription' && customer) {
    const extra = extrasOf(engine, session);
    const subscription = startSubscription(engine, {
      customer,
      items: items.map((item) => ({ price: priceOf(engine, item), quantity: Number(item.quantity) })),
      trialDays: extra.trialDays,
      trialEnd: extra.trialEnd,
      metadata: extra.subscriptionMetadata,
      description: extra.subscriptionDescription,
      paymentMethod: paymentMethod.id,
      coupon: discount?.coupon
        ? { coupon: engine.store.require('coupon', discount.coupon), promotionCode: discount.promotion_code, checkoutSession: session.id }
        : undefined,
    });
    session.subscription = subscription.id;
    session.invoice = subscription.latest_invoice;
    session.payment_status = Number(session.amount_total) > 0 ? 'paid' : 'no_payment_required';
  } else {
    const extra = extrasOf(engine, session);
    if (discount?.coupon && customer) {
      createDiscount(engine, { coupon: engine.store.require('coupon', discount.coupon), promotionCode: discount.promotion_code, customer: customer.id, subscription: null, checkoutSession: session.id });
    }
    const amount = Number(session.amount_total ?? 0);
    const intent = paymentIntentShape({
      now: engine.now(),
      amount,
      currency: String(session.currency),
      customer: customer?.id ?? null,
      paymentMethod: paymentMethod.id,
      description: extra.paymentDescription,
      metadata: extra.paymentMetadata,
      receiptEmail: null,
    });
    if (iban !== undefined && amount > 0) {
      // A bank debit: processing until the bank answers (settlements.ts), the session complete but unpaid.
      intent.status = 'processing';
      intent.amount_received = 0;
      intent.payment_method_types = ['sepa_debit'];
      engine.store.put(intent);
      engine.emit('payment_intent.processing', intent);
      engine.store.data.settlements[intent.id] = { session: session.id, intent: intent.id, at: engine.now() + SETTLE_AFTER_SEC, succeeds: TEST_IBANS[iban]!.succeeds };
      session.payment_intent = intent.id;
      session.payment_status = 'unpaid';
    } else {
      engine.store.put(intent);
      const charge = amount > 0 ? recordCharge(engine, intent, paymentMethod, email) : undefined;
      engine.emit('payment_intent.succeeded', intent);
      if (charge && check.card.outcome.disputed) disputeAfter = charge;
      session.payment_intent = intent.id;
      session.payment_status = amount > 0 ? 'paid' : 'no_payment_required';
    }
  }
  session.status = 'complete';
  session.url = null;
  session.customer = customer?.id ?? null;
  session.customer_details = customerDetails(email, name);
  engine.store.put(session);
  engine.emit('checkout.session.completed', session);
  if (disputeAfter) openDispute(engine, disputeAfter);
  const successUrl = session.success_url as string | null;
  return { ok: true, redirect: successUrl ? successUrl.replaceAll('{CHECKOUT_SESSION_ID}', session.id) : null };
}

function attachCard(engine: Engine, card: CheckedCard, customer: string | null, email: string, name: string | null): StripeObject {
  const paymentMethod = paymentMethodShape({
    now: engine.now(),
    customer,
    email,
    name,
    brand: card.brand,
    last4: card.last4,
    expMonth: card.expMonth,
    expYear: card.expYear,
  });
  engine.store.put(paymentMethod);
  engine.store.data.cards[paymentMethod.id] = { failsLater: card.outcome.failsLater === true };
  return paymentMethod;
}

export function sessionTrialDays(engine: Engine, session: StripeObject): number | null {
  return trialDaysOf(engine, session);
}

export function sessionLineItems(engine: Engine, session: StripeObject): StripeObject[] {
  return sessionItems(engine, session);
}

export const checkoutRoutes: Route[] = [
  route('POST', '/v1/checkout/sessions', ({ engine, params }) => createSession(engine, params)),
  route('GET', '/v1/checkout/sessions/:id', ({ engine, ids }) => engine.store.require('checkout.session', ids[0] ?? '')),
  route('GET', '/v1/checkout/sessions/:id/line_items', ({ engine, ids, params, path }) => {
    const session = engine.store.require('checkout.session', ids[0] ?? '');
    return paginate(sessionItems(engine, session), params, path, 'line item');
  }),
  route('POST', '/v1/checkout/sessions/:id/expire', ({ engine, ids }) => {
    const session = engine.store.require('checkout.session', ids[0] ?? '');
    if (session.status !== 'open') {
      throw invalidRequest(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${String(session.status)}".`);
    }
    session.status = 'expired';
    session.url = null;
    engine.store.put(session);
    engine.emit('checkout.session.expired', session);
    return session;
  }),
  route('POST', '/v1/checkout/sessions/:id', ({ engine, ids, params }) => {
    allowOnly(params, ['metadata', 'collected_information', 'shipping_options', 'line_items']);
    const session = engine.store.require('checkout.session', ids[0] ?? '');
    session.metadata = mergeMetadata(session.metadata as Record<string, string>, params);
    engine.store.put(session);
    return session;
  }),
  route('GET', '/v1/checkout/sessions', ({ engine, params, path }) => {
    allowOnly(params, ['customer', 'customer_details', 'status', 'subscription', 'payment_intent', 'payment_link', 'created', 'limit', 'starting_after', 'ending_before', 'customer_account']);
    const customer = str(params, 'customer');
    // Stripe answers a filter naming a customer it does not know with 400 resource_missing, not an empty list.
    if (customer) engine.store.require('customer', customer, 'customer');
    const status = oneOf(params, 'status', ['open', 'complete', 'expired'] as const);
    const subscription = str(params, 'subscription');
    const paymentIntent = str(params, 'payment_intent');
    const email = str(params, ['customer_details', 'email']);
    const created = createdFilter(params);
    return listPage(engine.store, 'checkout.session', (session) =>
        created(session) &&
        (!customer || session.customer === customer) &&
        (!status || session.status === status) &&
        (!subscription || session.subscription === subscription) &&
        (!paymentIntent || session.payment_intent === paymentIntent) &&
        (!email || (session.customer_details as { email?: string } | null)?.email === email), params, path, 'checkout.session');
  }),
];

