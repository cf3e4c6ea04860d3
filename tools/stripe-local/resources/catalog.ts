// /v1/products and /v1/prices: what truefans' `stripe:sync` creates and looks up by lookup key.
import { ApiError, invalidParam, invalidRequest } from '../errors.ts';
import type { Engine } from '../engine.ts';
import { allowOnly, bool, int, mergeMetadata, obj, oneOf, requiredStr, str, strings, has, type Params } from '../form.ts';
import { listPage } from '../list.ts';
import { route, type Route } from '../routes.ts';
import { priceShape, productShape, type CustomUnitAmount, type RecurringInput } from '../shapes.ts';
import type { StripeObject } from '../state.ts';

const PRODUCT_CREATE = ['id', 'name', 'active', 'description', 'metadata', 'images', 'url', 'default_price_data', 'marketing_features', 'package_dimensions', 'shippable', 'statement_descriptor', 'tax_code', 'unit_label', 'tax_details'];
const PRODUCT_UPDATE = ['name', 'active', 'description', 'metadata', 'images', 'url', 'default_price', 'marketing_features', 'package_dimensions', 'shippable', 'statement_descriptor', 'tax_code', 'unit_label', 'tax_details'];
const PRICE_CREATE = ['currency', 'product', 'product_data', 'unit_amount', 'unit_amount_decimal', 'recurring', 'lookup_key', 'transfer_lookup_key', 'custom_unit_amount', 'metadata', 'nickname', 'active', 'billing_scheme', 'currency_options', 'tax_behavior', 'tiers', 'tiers_mode', 'transform_quantity'];
const TAX_BEHAVIORS = ['exclusive', 'inclusive', 'unspecified'] as const;
const PRICE_UPDATE = ['active', 'lookup_key', 'transfer_lookup_key', 'metadata', 'nickname', 'tax_behavior', 'currency_options'];

export function createProduct(engine: Engine, params: Params, prefix: string[] = []): StripeObject {
  const at = (name: string) => [...prefix, name];
  const id = str(params, at('id'));
  if (id && engine.store.get('product', id)) {
    // Stripe refuses a second product with a chosen id with the code `resource_already_exists` (one of the
    // error codes in the stripe package's types); creating one is atomic, which send locks rely on.
    throw new ApiError(400, { type: 'invalid_request_error', code: 'resource_already_exists', message: 'Product already exists.', param: 'id' });
  }
  const product = productShape({
    now: engine.now(),
    id: id || undefined,
    name: requiredStr(params, at('name')),
    description: str(params, at('description')) || null,
    active: bool(params, at('active')) ?? true,
    metadata: mergeMetadata({}, params, at('metadata')),
    images: strings(params, at('images')) ?? [],
    url: str(params, at('url')) || null,
  });
  engine.store.put(product);
  engine.emit('product.created', product);
  return product;
}

function readRecurring(params: Params, path: string[]): RecurringInput | null {
  if (!obj(params, path)) return null;
  const interval = oneOf(params, [...path, 'interval'], ['day', 'week', 'month', 'year'] as const);
  if (!interval) throw invalidParam(`${path[0]}[${path.slice(1).concat('interval').join('][')}]`, 'Missing required param: recurring[interval].', 'parameter_missing');
  const count = int(params, [...path, 'interval_count']) ?? 1;
  const maxCount = { day: 1095, week: 156, month: 36, year: 3 }[interval];
  if (count < 1 || count > maxCount) {
    throw invalidParam('recurring[interval_count]', `Invalid interval_count: must be between 1 and ${maxCount} for ${interval}.`, 'parameter_invalid_integer');
  }
  return { interval, interval_count: count, trial_period_days: int(params, [...path, 'trial_period_days']) ?? null };
}

function readCustomUnitAmount(params: Params): CustomUnitAmount | null {
  const custom = obj(params, 'custom_unit_amount');
  if (!custom) return null;
  if (bool(params, ['custom_unit_amount', 'enabled']) !== true) {
    throw invalidParam('custom_unit_amount[enabled]', 'Missing required param: custom_unit_amount[enabled].', 'parameter_missing');
  }
  const value = {
    maximum: int(params, ['custom_unit_amount', 'maximum']) ?? null,
    minimum: int(params, ['custom_unit_amount', 'minimum']) ?? null,
    preset: int(params, ['custom_unit_amount', 'preset']) ?? null,
  };
  if (value.minimum !== null && value.maximum !== null && value.minimum > value.maximum) {
    throw invalidParam('custom_unit_amount[minimum]', 'The minimum must be less than or equal to the maximum.', 'parameter_invalid_integer');
  }
  return value;
}

/** Gives a lookup key to `price`, moving it from another price when `transfer_lookup_key` says so. */
function claimLookupKey(engine: Engine, lookupKey: string, transfer: boolean, except?: string): void {
  const holder = engine.store.all('price').find((price) => price.lookup_key === lookupKey && price.id !== except);
  if (!holder) return;
  if (!transfer) {
    throw invalidParam(
      'lookup_key',
      `A price (\`${holder.id}\`) already uses that lookup key. Pass \`transfer_lookup_key=true\` to transfer it to this price.`,
      'lookup_key_already_exists',
    );
  }
  holder.lookup_key = null;
  engine.store.put(holder);
  engine.emit('price.updated', holder, { lookup_key: lookupKey });
}

export function createPrice(engine: Engine, params: Params, options: { inline?: boolean; prefix?: string[] } = {}): StripeObject {
  const prefix = options.prefix ?? [];
  const at = (name: string) => [...prefix, name];
  const currency = requiredStr(params, at('currency')).toLowerCase();
  let productId = str(params, at('product'));
  if (productId) {
    engine.store.require('product', productId, 'product');
  } else if (obj(params, at('product_data'))) {
    productId = createProduct(engine, params, at('product_data')).id;
  } else {
    throw invalidRequest('You must specify either `product` or `product_data` when creating a price.', 'product');
  }
  const recurring = readRecurring(params, at('recurring'));
  const customUnitAmount = options.inline ? null : readCustomUnitAmount(params);
  let unitAmount = int(params, at('unit_amount')) ?? null;
  const decimal = str(params, at('unit_amount_decimal'));
  if (unitAmount === null && decimal) unitAmount = Math.round(Number(decimal));
  if (customUnitAmount && recurring) {
    throw invalidParam('custom_unit_amount', 'custom_unit_amount is not supported for recurring prices.', 'parameter_invalid_empty');
  }
  if (!customUnitAmount && unitAmount === null) {
    throw invalidParam(`${prefix.length ? prefix[0] + prefix.slice(1).map((p) => `[${p}]`).join('') + '[unit_amount]' : 'unit_amount'}`, 'Missing required param: unit_amount.', 'parameter_missing');
  }
  if (unitAmount !== null && unitAmount < 0) throw invalidParam('unit_amount', 'This value must be greater than or equal to 0.', 'parameter_invalid_integer');
  const lookupKey = str(params, 'lookup_key') || null;
  if (lookupKey && !options.inline) claimLookupKey(engine, lookupKey, bool(params, 'transfer_lookup_key') === true);
  const price = priceShape({
    now: engine.now(),
    product: productId,
    currency,
    unitAmount: customUnitAmount ? null : unitAmount,
    recurring,
    customUnitAmount,
    lookupKey: options.inline ? null : lookupKey,
    nickname: options.inline ? null : str(params, 'nickname') || null,
    // Prices made from checkout's `price_data` exist but are not offered for reuse, as on Stripe.
    active: options.inline ? false : (bool(params, 'active') ?? true),
    metadata: options.inline ? {} : mergeMetadata({}, params),
    taxBehavior: oneOf(params, at('tax_behavior'), TAX_BEHAVIORS) ?? 'unspecified',
  });
  engine.store.put(price);
  engine.emit('price.created', price);
  return price;
}

function update(engine: Engine, object: StripeObject, change: Record<string, unknown>, eventType: string): StripeObject {
  const before: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(change)) {
    if (value !== undefined && JSON.stringify(object[key]) !== JSON.stringify(value)) {
      before[key] = object[key];
      object[key] = value;
    }
  }
  if (Object.keys(before).length > 0) {
    if ('updated' in object) object.updated = engine.now();
    engine.store.put(object);
    engine.emit(eventType, object, before);
  }
  return object;
}

export const catalogRoutes: Route[] = [
  route('POST', '/v1/products', ({ engine, params }) => {
    allowOnly(params, PRODUCT_CREATE);
    const product = createProduct(engine, params);
    if (obj(params, 'default_price_data')) {
      const price = createPrice(engine, { ...(obj(params, 'default_price_data') ?? {}), product: product.id });
      product.default_price = price.id;
      engine.store.put(product);
    }
    return product;
  }),
  route('GET', '/v1/products/:id', ({ engine, ids }) => engine.store.require('product', ids[0] ?? '')),
  route('POST', '/v1/products/:id', ({ engine, params, ids }) => {
    allowOnly(params, PRODUCT_UPDATE);
    const product = engine.store.require('product', ids[0] ?? '');
    const defaultPrice = str(params, 'default_price');
    if (defaultPrice) {
      const price = engine.store.require('price', defaultPrice, 'default_price');
      if (price.product !== product.id) throw invalidParam('default_price', `The price \`${defaultPrice}\` does not belong to the product \`${product.id}\`.`, 'parameter_invalid_string');
      if (price.active !== true) throw invalidParam('default_price', 'The default price must be active.', 'parameter_invalid_string');
    }
    return update(engine, product, {
      name: has(params, 'name') ? requiredStr(params, 'name') : undefined,
      description: has(params, 'description') ? str(params, 'description') || null : undefined,
      active: bool(params, 'active'),
      url: has(params, 'url') ? str(params, 'url') || null : undefined,
      images: has(params, 'images') ? (strings(params, 'images') ?? []) : undefined,
      default_price: defaultPrice === undefined ? undefined : defaultPrice || null,
      metadata: mergeMetadata(product.metadata as Record<string, string>, params),
    }, 'product.updated');
  }),
  route('GET', '/v1/products', ({ engine, params, path }) => {
    allowOnly(params, ['active', 'ids', 'limit', 'starting_after', 'ending_before', 'created', 'shippable', 'url', 'type']);
    const active = bool(params, 'active');
    const only = strings(params, 'ids');
    return listPage(engine.store, 'product', (product) => (active === undefined || product.active === active) && (!only || only.includes(product.id)), params, path, 'product');
  }),
  route('POST', '/v1/prices', ({ engine, params }) => {
    allowOnly(params, PRICE_CREATE);
    return createPrice(engine, params);
  }),
  route('GET', '/v1/prices/:id', ({ engine, ids }) => engine.store.require('price', ids[0] ?? '')),
  route('POST', '/v1/prices/:id', ({ engine, params, ids }) => {
    allowOnly(params, PRICE_UPDATE);
    const price = engine.store.require('price', ids[0] ?? '');
    const lookupKey = str(params, 'lookup_key');
    if (lookupKey) claimLookupKey(engine, lookupKey, bool(params, 'transfer_lookup_key') === true, price.id);
    const active = bool(params, 'active');
    if (active === false && engine.store.get('product', String(price.product))?.default_price === price.id) {
      // Stripe keeps a product's default price active: set another `default_price` on the product first.
      throw invalidParam('active', 'This price cannot be archived because it is the default price of its product. Set a different default price on the product first.', 'parameter_invalid_boolean');
    }
    const taxBehavior = oneOf(params, 'tax_behavior', TAX_BEHAVIORS);
    if (taxBehavior && taxBehavior !== price.tax_behavior && price.tax_behavior !== 'unspecified') {
      // Stripe: tax_behavior can be set once, from `unspecified`; after that it cannot change.
      throw invalidParam('tax_behavior', 'You cannot change `tax_behavior` once it has been set to `inclusive` or `exclusive`.', 'parameter_invalid_string');
    }
    return update(engine, price, {
      tax_behavior: taxBehavior,
      active: bool(params, 'active'),
      lookup_key: lookupKey === undefined ? undefined : lookupKey || null,
      nickname: has(params, 'nickname') ? str(params, 'nickname') || null : undefined,
      metadata: mergeMetadata(price.metadata as Record<string, string>, params),
    }, 'price.updated');
  }),
  route('GET', '/v1/prices', ({ engine, params, path }) => {
    allowOnly(params, ['active', 'currency', 'lookup_keys', 'product', 'type', 'recurring', 'limit', 'starting_after', 'ending_before', 'created']);
    const active = bool(params, 'active');
    const lookupKeys = strings(params, 'lookup_keys');
    const product = str(params, 'product');
    const currency = str(params, 'currency');
    const type = oneOf(params, 'type', ['one_time', 'recurring'] as const);
    const interval = str(params, ['recurring', 'interval']);
    if (lookupKeys && lookupKeys.length > 10) {
      throw invalidParam('lookup_keys', 'You may only specify up to 10 lookup keys.', 'parameter_invalid_array');
    }
    return listPage(engine.store, 'price', (price) =>
        (active === undefined || price.active === active) &&
        (!lookupKeys || (price.lookup_key !== null && lookupKeys.includes(String(price.lookup_key)))) &&
        (!product || price.product === product) &&
        (!currency || price.currency === currency.toLowerCase()) &&
        (!type || price.type === type) &&
        (!interval || (price.recurring as { interval?: string } | null)?.interval === interval), params, path, 'price');
  }),
];
