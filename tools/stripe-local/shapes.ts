// Builders for every object the stand-in returns, key for key in the shape of Stripe's own fixtures
// (test/fixtures/stripe/*.json), with null wherever Stripe has nothing to say.
import { invoicePrefix, newId } from './ids.ts';
import type { StripeObject } from './state.ts';

type Meta = Record<string, string>;

const nullAddress = () => ({ city: null, country: null, line1: null, line2: null, postal_code: null, state: null });

export function customerShape(input: {
  now: number;
  email: string | null;
  name: string | null;
  description: string | null;
  phone: string | null;
  metadata: Meta;
}): StripeObject {
  return {
    id: newId('cus'),
    object: 'customer',
    address: null,
    balance: 0,
    created: input.now,
    currency: null,
    default_source: null,
    delinquent: false,
    description: input.description,
    discount: null,
    email: input.email,
    invoice_prefix: invoicePrefix(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: input.metadata,
    name: input.name,
    next_invoice_sequence: 1,
    phone: input.phone,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

export function productShape(input: {
  now: number;
  id?: string | undefined;
  name: string;
  description: string | null;
  active: boolean;
  metadata: Meta;
  images?: string[];
  url?: string | null;
}): StripeObject {
  return {
    id: input.id ?? newId('prod'),
    object: 'product',
    active: input.active,
    created: input.now,
    default_price: null,
    description: input.description,
    images: input.images ?? [],
    livemode: false,
    marketing_features: [],
    metadata: input.metadata,
    name: input.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    unit_label: null,
    updated: input.now,
    url: input.url ?? null,
    type: 'service',
  };
}

export interface RecurringInput {
  interval: 'day' | 'week' | 'month' | 'year';
  interval_count: number;
  trial_period_days: number | null;
}

export interface CustomUnitAmount {
  maximum: number | null;
  minimum: number | null;
  preset: number | null;
}

export function priceShape(input: {
  now: number;
  product: string;
  currency: string;
  unitAmount: number | null;
  recurring: RecurringInput | null;
  customUnitAmount: CustomUnitAmount | null;
  lookupKey: string | null;
  nickname: string | null;
  active: boolean;
  metadata: Meta;
  taxBehavior?: string;
}): StripeObject {
  return {
    id: newId('price'),
    object: 'price',
    active: input.active,
    billing_scheme: 'per_unit',
    created: input.now,
    currency: input.currency,
    custom_unit_amount: input.customUnitAmount,
    livemode: false,
    lookup_key: input.lookupKey,
    metadata: input.metadata,
    nickname: input.nickname,
    product: input.product,
    recurring: input.recurring
      ? {
          interval: input.recurring.interval,
          interval_count: input.recurring.interval_count,
          meter: null,
          usage_type: 'licensed',
          trial_period_days: input.recurring.trial_period_days,
        }
      : null,
    tax_behavior: input.taxBehavior ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: input.recurring ? 'recurring' : 'one_time',
    unit_amount: input.unitAmount,
    unit_amount_decimal: input.unitAmount === null ? null : String(input.unitAmount),
  };
}

/** The legacy `plan` Stripe still puts beside each subscription item's price. */
export function planFromPrice(price: StripeObject): StripeObject {
  const recurring = price.recurring as RecurringInput | null;
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: recurring?.interval ?? 'month',
    interval_count: recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: recurring?.trial_period_days ?? null,
    usage_type: 'licensed',
  };
}

/** A checkout line item; `price` holds the id in the store and is filled in when presented. */
export function lineItemShape(input: {
  price: StripeObject;
  description: string;
  quantity: number;
  amount: number;
  discount: number;
}): StripeObject {
  return {
    id: newId('li'),
    object: 'item',
    amount_discount: input.discount,
    amount_subtotal: input.amount,
    amount_tax: 0,
    amount_total: input.amount - input.discount,
    currency: input.price.currency,
    description: input.description,
    price: input.price.id,
    quantity: input.quantity,
    metadata: null,
    adjustable_quantity: null,
  };
}

export function checkoutSessionShape(input: {
  now: number;
  id: string;
  url: string;
  mode: 'payment' | 'subscription';
  currency: string | null;
  amountSubtotal: number | null;
  amountTotal: number | null;
  allowPromotionCodes: boolean | null;
  cancelUrl: string | null;
  successUrl: string | null;
  clientReferenceId: string | null;
  customer: string | null;
  customerEmail: string | null;
  customerCreation: 'always' | 'if_required' | null;
  expiresAt: number;
  metadata: Meta;
  locale: string | null;
  submitType: string | null;
}): StripeObject {
  return {
    id: input.id,
    object: 'checkout.session',
    after_expiration: null,
    allow_promotion_codes: input.allowPromotionCodes,
    amount_subtotal: input.amountSubtotal,
    amount_total: input.amountTotal,
    automatic_tax: { enabled: false, liability: null, status: null, provider: null },
    billing_address_collection: null,
    cancel_url: input.cancelUrl,
    client_reference_id: input.clientReferenceId,
    client_secret: null,
    consent: null,
    consent_collection: null,
    created: input.now,
    currency: input.currency,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: input.customer,
    customer_creation: input.customerCreation,
    customer_details: null,
    customer_email: input.customerEmail,
    expires_at: input.expiresAt,
    invoice: null,
    invoice_creation:
      input.mode === 'payment'
        ? {
            enabled: false,
            invoice_data: {
              account_tax_ids: null,
              custom_fields: null,
              description: null,
              footer: null,
              issuer: null,
              metadata: {},
              rendering_options: null,
            },
          }
        : null,
    livemode: false,
    locale: input.locale,
    metadata: input.metadata,
    mode: input.mode,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: input.mode === 'subscription' ? 'always' : null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: input.submitType,
    subscription: null,
    success_url: input.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: input.url,
    adaptive_pricing: { enabled: false },
    discounts: [],
    collected_information: null,
    permissions: null,
    wallet_options: null,
    origin_context: null,
    currency_conversion: null,
    customer_account: null,
    integration_identifier: null,
    managed_payments: { enabled: false },
  };
}

export function customerDetails(email: string, name: string | null) {
  return {
    address: nullAddress(),
    email,
    name,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
    business_name: null,
    individual_name: null,
  };
}

/** A subscription item; `price` holds the id in the store and is filled in (with `plan`) when presented. */
export function subscriptionItemShape(input: {
  now: number;
  subscription: string;
  price: string;
  quantity: number;
  periodStart: number;
  periodEnd: number;
}): StripeObject {
  return {
    id: newId('si'),
    object: 'subscription_item',
    created: input.now,
    discounts: [],
    metadata: {},
    price: input.price,
    quantity: input.quantity,
    subscription: input.subscription,
    tax_rates: [],
    plan: input.price,
    current_period_end: input.periodEnd,
    current_period_start: input.periodStart,
    billing_thresholds: null,
  };
}

export function subscriptionShape(input: {
  now: number;
  id: string;
  customer: string;
  currency: string;
  items: StripeObject[];
  status: string;
  trialStart: number | null;
  trialEnd: number | null;
  defaultPaymentMethod: string | null;
  metadata: Meta;
  description: string | null;
  discounts: string[];
}): StripeObject {
  return {
    id: input.id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { enabled: false, liability: null, disabled_reason: null },
    billing_cycle_anchor: input.trialEnd ?? input.now,
    billing_cycle_anchor_config: null,
    cancel_at: null,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: 'charge_automatically',
    created: input.now,
    currency: input.currency,
    customer: input.customer,
    days_until_due: null,
    default_payment_method: input.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: input.description,
    discounts: input.discounts,
    ended_at: null,
    invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
    items: {
      object: 'list',
      data: input.items,
      has_more: false,
      url: `/v1/subscription_items?subscription=${input.id}`,
    },
    latest_invoice: null,
    livemode: false,
    metadata: input.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: input.now,
    status: input.status,
    test_clock: null,
    transfer_data: null,
    trial_end: input.trialEnd,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    trial_start: input.trialStart,
    cancel_at_period_end: false,
    billing_thresholds: null,
    billing_mode: { type: 'flexible', flexible: { proration_discounts: 'included' } },
    customer_account: null,
    managed_payments: null,
    billing_schedules: [],
  };
}

export function invoiceLineShape(input: {
  invoice: string;
  subscription: string;
  subscriptionItem: string;
  price: StripeObject;
  quantity: number;
  amount: number;
  discount: number;
  discountId: string | null;
  periodStart: number;
  periodEnd: number;
  description: string;
}): StripeObject {
  return {
    id: newId('il'),
    object: 'line_item',
    amount: input.amount,
    currency: input.price.currency,
    description: input.description,
    discount_amounts: input.discountId ? [{ amount: input.discount, discount: input.discountId }] : [],
    discountable: true,
    discounts: input.discountId ? [input.discountId] : [],
    invoice: input.invoice,
    livemode: false,
    metadata: {},
    period: { end: input.periodEnd, start: input.periodStart },
    quantity: input.quantity,
    subscription: input.subscription,
    pretax_credit_amounts: [],
    taxes: [],
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: input.subscription,
        subscription_item: input.subscriptionItem,
      },
      type: 'subscription_item_details',
    },
    pricing: {
      type: 'price_details',
      price_details: { price: input.price.id, product: input.price.product },
      unit_amount_decimal: input.price.unit_amount_decimal,
    },
    subtotal: input.amount,
    quantity_decimal: String(input.quantity),
  };
}

export function invoiceShape(input: {
  now: number;
  id: string;
  customer: StripeObject;
  number: string;
  subscription: string;
  subscriptionMetadata: Meta;
  billingReason: string;
  currency: string;
  lines: StripeObject[];
  subtotal: number;
  discount: number;
  discountId: string | null;
  periodStart: number;
  periodEnd: number;
  hostedUrl: string;
}): StripeObject {
  const total = input.subtotal - input.discount;
  return {
    id: input.id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'truefans (local Stripe)',
    account_tax_ids: null,
    amount_due: total,
    amount_paid: 0,
    amount_remaining: total,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { enabled: false, liability: null, status: null, disabled_reason: null, provider: null },
    billing_reason: input.billingReason,
    collection_method: 'charge_automatically',
    created: input.now,
    currency: input.currency,
    custom_fields: null,
    customer: input.customer.id,
    customer_address: null,
    customer_email: input.customer.email ?? null,
    customer_name: input.customer.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: input.discountId ? [input.discountId] : [],
    due_date: null,
    effective_at: input.now,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: input.hostedUrl,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: input.lines, has_more: false, url: `/v1/invoices/${input.id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: input.number,
    on_behalf_of: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: input.periodEnd,
    period_start: input.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'open',
    status_transitions: { finalized_at: input.now, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    // The 2025+ API moved this to parent.subscription_details; Stripe's fixture still lists it, always null.
    subscription: null,
    subtotal: input.subtotal,
    subtotal_excluding_tax: input.subtotal,
    test_clock: null,
    total,
    total_discount_amounts: input.discountId ? [{ amount: input.discount, discount: input.discountId }] : [],
    total_excluding_tax: total,
    webhooks_delivered_at: input.now,
    automatically_finalizes_at: null,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    amount_overpaid: 0,
    parent: {
      quote_details: null,
      subscription_details: { metadata: input.subscriptionMetadata, subscription: input.subscription },
      type: 'subscription_details',
    },
    customer_account: null,
  };
}

export function paymentMethodShape(input: {
  now: number;
  customer: string | null;
  email: string;
  name: string | null;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}): StripeObject {
  return {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'always',
    billing_details: { address: nullAddress(), email: input.email, name: input.name, phone: null, tax_id: null },
    card: {
      brand: input.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: 'US',
      display_brand: input.brand,
      exp_month: input.expMonth,
      exp_year: input.expYear,
      fingerprint: `local${input.brand}${input.last4}`,
      funding: 'credit',
      generated_from: null,
      last4: input.last4,
      networks: { available: [input.brand], preferred: null },
      three_d_secure_usage: { supported: true },
      wallet: null,
      regulated_status: 'unregulated',
    },
    created: input.now,
    customer: input.customer,
    livemode: false,
    metadata: {},
    type: 'card',
    customer_account: null,
  };
}

export function paymentIntentShape(input: {
  now: number;
  amount: number;
  currency: string;
  customer: string | null;
  paymentMethod: string;
  description: string | null;
  metadata: Meta;
  receiptEmail: string | null;
}): StripeObject {
  const id = newId('pi');
  return {
    id,
    object: 'payment_intent',
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: input.amount,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: `${id}_secret_${newId('x').slice(2)}`,
    confirmation_method: 'automatic',
    created: input.now,
    currency: input.currency,
    customer: input.customer,
    description: input.description,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    processing: null,
    receipt_email: input.receiptEmail,
    review: null,
    setup_future_usage: null,
    shipping: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
    source: null,
    excluded_payment_method_types: null,
    customer_account: null,
    managed_payments: null,
  };
}

export function portalSessionShape(input: {
  now: number;
  id: string;
  customer: string;
  returnUrl: string | null;
  url: string;
  locale: string | null;
  flow?: Record<string, unknown> | null;
  configuration: string;
}): StripeObject {
  return {
    id: input.id,
    object: 'billing_portal.session',
    configuration: input.configuration,
    created: input.now,
    customer: input.customer,
    flow: input.flow ?? null,
    livemode: false,
    locale: input.locale,
    on_behalf_of: null,
    return_url: input.returnUrl,
    url: input.url,
    customer_account: null,
  };
}

export function couponShape(input: {
  now: number;
  id: string;
  name: string | null;
  percentOff: number | null;
  amountOff: number | null;
  currency: string | null;
  duration: 'once' | 'repeating' | 'forever';
  durationInMonths: number | null;
  maxRedemptions: number | null;
  redeemBy: number | null;
  metadata: Meta;
}): StripeObject {
  return {
    id: input.id,
    object: 'coupon',
    amount_off: input.amountOff,
    created: input.now,
    currency: input.currency,
    duration: input.duration,
    duration_in_months: input.durationInMonths,
    livemode: false,
    max_redemptions: input.maxRedemptions,
    metadata: input.metadata,
    name: input.name,
    percent_off: input.percentOff,
    redeem_by: input.redeemBy,
    times_redeemed: 0,
    valid: true,
  };
}

export function promotionCodeShape(input: {
  now: number;
  code: string;
  coupon: string;
  active: boolean;
  customer: string | null;
  expiresAt: number | null;
  maxRedemptions: number | null;
  metadata: Meta;
}): StripeObject {
  return {
    id: newId('promo'),
    object: 'promotion_code',
    active: input.active,
    code: input.code,
    created: input.now,
    customer: input.customer,
    expires_at: input.expiresAt,
    livemode: false,
    max_redemptions: input.maxRedemptions,
    metadata: input.metadata,
    restrictions: { first_time_transaction: false, minimum_amount: null, minimum_amount_currency: null },
    times_redeemed: 0,
    promotion: { coupon: input.coupon, type: 'coupon' },
    customer_account: null,
  };
}

export function discountShape(input: {
  now: number;
  coupon: string;
  promotionCode: string | null;
  customer: string;
  subscription: string | null;
  checkoutSession: string | null;
  end: number | null;
}): StripeObject {
  return {
    id: newId('di'),
    object: 'discount',
    checkout_session: input.checkoutSession,
    customer: input.customer,
    end: input.end,
    invoice: null,
    invoice_item: null,
    promotion_code: input.promotionCode,
    start: input.now,
    subscription: input.subscription,
    subscription_item: null,
    source: { coupon: input.coupon, type: 'coupon' },
    customer_account: null,
  };
}

export function eventShape(input: {
  now: number;
  type: string;
  apiVersion: string;
  object: unknown;
  previousAttributes?: Record<string, unknown> | undefined;
  request: { id: string | null; idempotency_key: string | null } | null;
  pendingWebhooks: number;
}): StripeObject {
  return {
    id: newId('evt'),
    object: 'event',
    api_version: input.apiVersion,
    created: input.now,
    data: input.previousAttributes
      ? { object: input.object, previous_attributes: input.previousAttributes }
      : { object: input.object },
    livemode: false,
    pending_webhooks: input.pendingWebhooks,
    request: input.request ?? { id: null, idempotency_key: null },
    type: input.type,
  };
}

export function chargeShape(input: {
  now: number;
  amount: number;
  currency: string;
  customer: string | null;
  paymentIntent: string;
  paymentMethod: StripeObject;
  description: string | null;
  metadata: Meta;
  email: string | null;
}): StripeObject {
  const id = newId('ch');
  const card = input.paymentMethod.card as { brand: string; last4: string; exp_month: number; exp_year: number; fingerprint: string } | null;
  const details = card
    ? { card: { brand: card.brand, last4: card.last4, exp_month: card.exp_month, exp_year: card.exp_year, fingerprint: card.fingerprint, funding: 'credit', network: card.brand, country: 'US' }, type: 'card' }
    : { sepa_debit: input.paymentMethod.sepa_debit, type: 'sepa_debit' };
  const billing = input.paymentMethod.billing_details as Record<string, unknown>;
  return {
    id,
    object: 'charge',
    amount: input.amount,
    amount_captured: input.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: newId('txn'),
    billing_details: billing,
    calculated_statement_descriptor: null,
    captured: true,
    created: input.now,
    currency: input.currency,
    customer: input.customer,
    description: input.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: input.metadata,
    on_behalf_of: null,
    outcome: { advice_code: null, network_advice_code: null, network_decline_code: null, network_status: 'approved_by_network', reason: null, risk_level: 'normal', seller_message: 'Payment complete.', type: 'authorized' },
    paid: true,
    payment_intent: input.paymentIntent,
    payment_method: input.paymentMethod.id,
    payment_method_details: details,
    receipt_email: input.email,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
    source: null,
  };
}

export function refundShape(input: { now: number; amount: number; charge: StripeObject; reason: string | null; metadata: Meta }): StripeObject {
  return {
    id: newId('re'),
    object: 'refund',
    amount: input.amount,
    balance_transaction: newId('txn'),
    charge: input.charge.id,
    created: input.now,
    currency: input.charge.currency,
    destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
    metadata: input.metadata,
    payment_intent: input.charge.payment_intent,
    reason: input.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
    customer: input.charge.customer,
    customer_account: null,
    payment_method: input.charge.payment_method,
  };
}

export function disputeShape(input: { now: number; charge: StripeObject; reason: string }): StripeObject {
  const evidence = Object.fromEntries(
    ['access_activity_log', 'billing_address', 'cancellation_policy', 'cancellation_policy_disclosure', 'cancellation_rebuttal', 'customer_communication', 'customer_email_address', 'customer_name', 'customer_purchase_ip', 'customer_signature', 'duplicate_charge_documentation', 'duplicate_charge_explanation', 'duplicate_charge_id', 'product_description', 'receipt', 'refund_policy', 'refund_policy_disclosure', 'refund_refusal_explanation', 'service_date', 'service_documentation', 'shipping_address', 'shipping_carrier', 'shipping_date', 'shipping_documentation', 'shipping_tracking_number', 'uncategorized_file', 'uncategorized_text'].map((k) => [k, null]),
  );
  const card = (input.charge.payment_method_details as { card?: { brand: string } }).card ?? { brand: 'visa' };
  return {
    id: newId('dp'),
    object: 'dispute',
    amount: input.charge.amount,
    balance_transactions: [],
    charge: input.charge.id,
    created: input.now,
    currency: input.charge.currency,
    evidence: { ...evidence, enhanced_evidence: {} },
    evidence_details: { due_by: input.now + 7 * 86_400, has_evidence: false, past_due: false, submission_count: 0, enhanced_eligibility: {} },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: input.charge.payment_intent,
    payment_method_details: { card: { brand: card.brand, case_type: 'chargeback', network_reason_code: '10.4', network: card.brand }, type: 'card' },
    reason: input.reason,
    status: 'needs_response',
    enhanced_eligibility_types: [],
  };
}
