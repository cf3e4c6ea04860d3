// How the Stripe billing turns Stripe's answers into the core's BillingErrors: transient faults (5xx, 429,
// no connection) which a grace period absorbs, refusals (a wrong key) which it does not, and objects Stripe
// no longer knows. The errors are the `stripe` package's own classes, made from Stripe's raw error shape
// the way the package makes them from a response; a wrong key is also refused for real by the stand-in.
// And every subscription status Stripe has is mapped to access or none by the one table (holdings.ts).

import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeBilling } from '../../../src/billing/stripe/index.ts';
import { billingError } from '../../../src/billing/stripe/faults.ts';
import { tierStatesFromSubscriptions } from '../../../src/billing/stripe/entitlements.ts';
import { stripeFailure } from '../../../src/core/billing.ts';
import { parseEnv } from '../../../src/core/env.ts';
import { lookupKey } from '../../../src/core/manifest.ts';
import { startStripeStandIn, type StandIn } from '../../../tools/stripe-local/index.ts';
import { SECRET } from '../../core/helpers/site.ts';

const WHAT = 're-checking a fan\'s membership';
/** Stripe's raw error as the package receives it: the body's `error`, with the response's status and request id. */
const raw = (statusCode: number, error: { type: string; code?: string; message: string; param?: string }) =>
  Stripe.errors.StripeError.generate({ ...error, statusCode, requestId: 'req_123' } as never);

describe('Stripe errors become BillingErrors', () => {
  const cases: Array<[string, Stripe.errors.StripeError, { transient: boolean; missing: boolean; code: string; status: string; hint?: string }]> = [
    ['500 api_error', raw(500, { type: 'api_error', message: 'Something went wrong on our end.' }), { transient: true, missing: false, code: 'TF_STRIPE_UNAVAILABLE', status: ' (HTTP 500)' }],
    ['503', raw(503, { type: 'api_error', message: 'Service unavailable.' }), { transient: true, missing: false, code: 'TF_STRIPE_UNAVAILABLE', status: ' (HTTP 503)' }],
    ['429 rate_limit', raw(429, { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests.' }), { transient: true, missing: false, code: 'TF_STRIPE_UNAVAILABLE', status: ' (HTTP 429, rate_limit)' }],
    ['401 a wrong key', raw(401, { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_********abcd' }), { transient: false, missing: false, code: 'TF_STRIPE_REFUSED', status: ' (HTTP 401)', hint: 'Check STRIPE_SECRET_KEY: Stripe does not accept it.' }],
    ['403 a restricted key', raw(403, { type: 'invalid_request_error', message: 'The provided key does not have the required permissions.' }), { transient: false, missing: false, code: 'TF_STRIPE_REFUSED', status: ' (HTTP 403)', hint: 'Check STRIPE_SECRET_KEY: this key may not do that (a restricted key needs more permissions).' }],
    ['404 resource_missing', raw(404, { type: 'invalid_request_error', code: 'resource_missing', message: 'No such customer: \'cus_gone\'', param: 'id' }), { transient: false, missing: true, code: 'TF_STRIPE_REFUSED', status: ' (HTTP 404, resource_missing)' }],
    ['400 resource_missing by parameter', raw(400, { type: 'invalid_request_error', code: 'resource_missing', message: 'No such customer: \'cus_gone\'', param: 'customer' }), { transient: false, missing: true, code: 'TF_STRIPE_REFUSED', status: ' (HTTP 400, resource_missing)' }],
    ['no connection', new Stripe.errors.StripeConnectionError({ message: 'Request aborted due to timeout being reached (3000ms)' } as never), { transient: true, missing: false, code: 'TF_STRIPE_UNAVAILABLE', status: ' (StripeConnectionError)' }],
  ];

  it.each(cases)('%s', (_name, error, expected) => {
    const mapped = billingError(error);
    expect({ transient: mapped.transient, missing: mapped.missing, status: mapped.status }).toEqual({ transient: expected.transient, missing: expected.missing, status: expected.status });
    const named = stripeFailure(mapped, WHAT);
    expect(named.code).toBe(expected.code);
    expect(named.message).toBe(expected.transient ? `Stripe could not be reached while ${WHAT}${expected.status}.` : `Stripe refused a request while ${WHAT}${expected.status}.`);
    if (expected.hint) expect(named.hint).toBe(expected.hint);
  });

  it('keeps Stripe\'s words for the log, with keys and email addresses redacted', () => {
    const mapped = billingError(raw(400, { type: 'invalid_request_error', message: 'Invalid email address: fan@example.com (key sk_test_abc123)', param: 'email' }));
    expect(mapped.detail).toBe('Stripe said: "Invalid email address: [redacted] (key [redacted])"; param email; request req_123.');
  });
});

describe('against the stand-in', () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startStripeStandIn({ port: 0, now: Date.UTC(2026, 10, 22, 12) });
  });
  afterAll(async () => {
    await standIn.close();
  });
  const billingWith = (key: string) => createStripeBilling(parseEnv({ TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: key, STRIPE_API_BASE: standIn.url }), fetch);
  const options = { pastDue: 'keep' as const, tierIds: ['supporter'], offerIds: [] };

  it('a key Stripe does not accept is refused at once (401), with the hint to check it, and the key not repeated', async () => {
    const error = await billingWith('sk_test_not_this_one').entitlements('cus_any', options).catch((e: unknown) => e);
    const named = stripeFailure(error, WHAT);
    expect(named.code).toBe('TF_STRIPE_REFUSED');
    // The stand-in adds an error code (api_key_invalid) after the status.
    expect(named.message.startsWith(`Stripe refused a request while ${WHAT} (HTTP 401`)).toBe(true);
    expect(named.hint).toBe('Check STRIPE_SECRET_KEY: Stripe does not accept it.');
    expect(`${named.message} ${named.hint} ${named.detail}`).not.toContain('not_this_one');
  });

  it('a customer Stripe does not know is missing, not a fault', async () => {
    const error = await billingWith('sk_test_truefans_local').entitlements('cus_nobody', options).catch((e: unknown) => e);
    expect(error).toMatchObject({ transient: false, missing: true });
  });
});

describe('every Stripe subscription status, by the one table', () => {
  const example = JSON.parse(readFileSync(new URL('../../fixtures/stripe/subscription.json', import.meta.url), 'utf8')) as Stripe.Subscription;
  // Typed by Stripe's own status union, so a status Stripe adds fails the typecheck here until it is placed.
  const table: Record<Stripe.Subscription.Status, [keep: boolean, revoke: boolean]> = {
    active: [true, true],
    trialing: [true, true],
    past_due: [true, false],
    unpaid: [false, false], // Stripe stopped retrying: access ends whatever the policy
    canceled: [false, false],
    incomplete: [false, false],
    incomplete_expired: [false, false],
    paused: [false, false],
  };

  it.each(Object.entries(table))('%s: keep, revoke = %j', async (status, [keep, revoke]) => {
    const sub = structuredClone(example) as Stripe.Subscription & { items: { data: Array<{ price: Stripe.Price }> } };
    sub.status = status as Stripe.Subscription.Status;
    sub.items.data[0]!.price.lookup_key = lookupKey.tier('supporter', 'month');
    for (const [pastDue, grants] of [['keep', keep], ['revoke', revoke]] as const) {
      // The tier is named by the price's lookup key, so Stripe is never asked for the product.
      const states = await tierStatesFromSubscriptions(undefined as unknown as Stripe, [sub], { pastDue, tierIds: ['supporter'], offerIds: [] }, 1000);
      expect(states.tiers).toEqual(grants ? ['supporter'] : []);
      expect(states.lapsed).toEqual(!grants && ['canceled', 'unpaid', 'incomplete_expired'].includes(status) ? ['supporter'] : []);
    }
  });
});
