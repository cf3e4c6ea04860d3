// /v1/coupons and /v1/promotion_codes: the codes a fan can type on the checkout page.
import type { Engine } from '../engine.ts';
import { invalidParam, invalidRequest, missingParam } from '../errors.ts';
import { allowOnly, bool, int, mergeMetadata, oneOf, str, type Params } from '../form.ts';
import { randomBase62 } from '../ids.ts';
import { route, type Route } from '../routes.ts';
import { couponShape, promotionCodeShape } from '../shapes.ts';

function createCoupon(engine: Engine, params: Params) {
  allowOnly(params, ['id', 'name', 'percent_off', 'amount_off', 'currency', 'duration', 'duration_in_months', 'max_redemptions', 'redeem_by', 'metadata', 'applies_to', 'currency_options']);
  const id = str(params, 'id') || randomBase62(8);
  if (engine.store.get('coupon', id)) throw invalidRequest('Coupon already exists.', 'id');
  const percentText = str(params, 'percent_off');
  const percentOff = percentText ? Number(percentText) : null;
  const amountOff = int(params, 'amount_off') ?? null;
  if ((percentOff === null) === (amountOff === null)) {
    throw invalidRequest('You must pass exactly one of `amount_off` or `percent_off`.', percentOff === null ? 'amount_off' : 'percent_off');
  }
  if (percentOff !== null && !(percentOff > 0 && percentOff <= 100)) {
    throw invalidParam('percent_off', 'This value must be greater than 0 and less than or equal to 100.', 'parameter_invalid_integer');
  }
  const currency = str(params, 'currency')?.toLowerCase() || null;
  if (amountOff !== null && !currency) throw missingParam('currency');
  const duration = oneOf(params, 'duration', ['once', 'repeating', 'forever'] as const) ?? 'once';
  const months = int(params, 'duration_in_months') ?? null;
  if (duration === 'repeating' && months === null) throw missingParam('duration_in_months');
  const coupon = couponShape({
    now: engine.now(),
    id,
    name: str(params, 'name') || null,
    percentOff,
    amountOff,
    currency: amountOff !== null ? currency : null,
    duration,
    durationInMonths: duration === 'repeating' ? months : null,
    maxRedemptions: int(params, 'max_redemptions') ?? null,
    redeemBy: int(params, 'redeem_by') ?? null,
    metadata: mergeMetadata({}, params),
  });
  engine.store.put(coupon);
  engine.emit('coupon.created', coupon);
  return coupon;
}

function createPromotionCode(engine: Engine, params: Params) {
  allowOnly(params, ['promotion', 'coupon', 'code', 'active', 'customer', 'expires_at', 'max_redemptions', 'metadata', 'restrictions', 'customer_account']);
  // The 2025+ API nests the coupon under `promotion`; older clients pass `coupon` directly.
  const couponId = str(params, ['promotion', 'coupon']) || str(params, 'coupon');
  if (!couponId) throw missingParam('promotion[coupon]');
  const coupon = engine.store.require('coupon', couponId, 'promotion[coupon]');
  const code = str(params, 'code') || randomBase62(8).toUpperCase();
  if (!/^[a-zA-Z0-9_-]{1,500}$/.test(code)) throw invalidParam('code', 'Promotion codes can only contain letters, digits, dashes and underscores.', 'parameter_invalid_string');
  const clash = engine.store.all('promotion_code').find((promo) => promo.active && String(promo.code).toLowerCase() === code.toLowerCase());
  if (clash) throw invalidRequest('An active promotion code with `code: ' + code + '` already exists.', 'code');
  const customer = str(params, 'customer') || null;
  if (customer) engine.store.require('customer', customer, 'customer');
  const promo = promotionCodeShape({
    now: engine.now(),
    code,
    coupon: coupon.id,
    active: bool(params, 'active') ?? true,
    customer,
    expiresAt: int(params, 'expires_at') ?? null,
    maxRedemptions: int(params, 'max_redemptions') ?? null,
    metadata: mergeMetadata({}, params),
  });
  engine.store.put(promo);
  engine.emit('promotion_code.created', promo);
  return promo;
}

export const discountRoutes: Route[] = [
  route('POST', '/v1/coupons', ({ engine, params }) => createCoupon(engine, params)),
  route('POST', '/v1/promotion_codes', ({ engine, params }) => createPromotionCode(engine, params)),
];
