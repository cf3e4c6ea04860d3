// The follower marks over Stripe, against the stand-in: the create's idempotency key from the email (a
// racer that confirmed a second later gets Stripe's idempotency_error and marks the racer's customer), and
// post emails switched on every customer of an address in any letter case.

import { describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import type { StandIn } from '../../../tools/stripe-local/index.ts';
import { freshForEachTest, T0 } from '../../tools/stripe-local/helpers.ts';
import { createFollower, follow, followIdempotencyKey, setPostEmails } from '../../../src/billing/stripe/followers.ts';

let stripe: Stripe;
let standIn: StandIn;
freshForEachTest((world) => ({ stripe, standIn } = world));
const log = () => {};

describe('followers on Stripe', () => {
  it('a second create for one email, with another time, is refused by Stripe and marks the first customer instead', async () => {
    expect(await createFollower(stripe, 'Racer@Example.com', T0, { reopen: true })).toEqual({ created: true });
    expect(await createFollower(stripe, 'racer@example.com', T0 + 1000, { reopen: true })).toEqual({ created: false });
    const customers = (await stripe.customers.list({ email: 'racer@example.com' })).data;
    expect(customers).toHaveLength(1);
    expect(customers[0]!.metadata.truefans_followed_at).toBe(String(T0 / 1000));
  });

  it('the key is the same for every letter case, holds no address and fits Stripe\'s 255 characters', async () => {
    const key = await followIdempotencyKey('Ada@Example.com');
    expect(key).toBe(await followIdempotencyKey(' ada@example.com '));
    expect(key).not.toContain('ada');
    expect(key.length).toBeLessThanOrEqual(255);
  });

  it('follow marks every customer of the address whatever its letter case; post emails switch on all of them', async () => {
    const a = await stripe.customers.create({ email: 'Fan@Example.com', metadata: { truefans_email: 'fan@example.com' } });
    const b = await stripe.customers.create({ email: 'fan@example.com' });
    // The differently cased one is found by search, once Stripe has indexed it (a lag of up to a minute).
    await standIn.clock.advance(60);
    expect(await follow(stripe, 'fan@example.com', T0, log)).toEqual({ created: false });
    await setPostEmails(stripe, { email: 'FAN@example.com' }, false, log);
    for (const id of [a.id, b.id]) {
      const c = (await stripe.customers.retrieve(id)) as Stripe.Customer;
      expect(c.metadata).toMatchObject({ truefans_follower: 'yes', truefans_post_emails: 'off' });
    }
    await setPostEmails(stripe, { customers: [a.id] }, true, log);
    expect(((await stripe.customers.retrieve(a.id)) as Stripe.Customer).metadata.truefans_post_emails).toBeUndefined();
    expect(((await stripe.customers.retrieve(b.id)) as Stripe.Customer).metadata.truefans_post_emails).toBe('off');
  });
});
