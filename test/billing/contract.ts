// The Billing port's contract: what any billing must answer, given state arranged the implementation's own
// way (the Stripe billing through the stand-in's API and hosted checkout, the in-memory billing through its
// own methods). Both run it (stripe/contract.test.ts, memory.test.ts), so the memory billing the core tests
// use is never more lenient than Stripe: where they differ, the memory billing changes.

import { describe, expect, it } from 'vitest';
import { BillingError, type Billing, type ReadOptions } from '../../src/core/billing.ts';
import { offerOfCheckout } from '../../src/core/holdings.ts';
import { lookupKey } from '../../src/core/manifest.ts';
import { isFollower, postEmailsOn } from '../../src/core/follower-marks.ts';

export const TIER = 'supporter';
export const OFFER = 'field-recordings';
export const ORIGIN = 'https://mira.example';
export const WEBHOOK_SECRET = 'whsec_contract_secret';

/** Ways to put a billing into a state, each the implementation's own. */
export interface Arrange {
  /** A fan subscribes to TIER monthly on Checkout, typing `email`. */
  join(email: string): Promise<{ customer: string; checkout: string; subscription: string }>;
  /** A fan buys OFFER on Checkout, typing `email`. */
  buy(email: string): Promise<{ customer: string; checkout: string }>;
  cancel(subscription: string): Promise<void>;
  /** A subscription whose first payment never came, left until it expired (incomplete_expired). */
  expireIncomplete(): Promise<{ customer: string }>;
  /** A fan whose renewal failed: past_due. */
  pastDue(email: string): Promise<{ customer: string }>;
  /** A price with this lookup key, then archived (active: false). */
  archivedPrice(key: string): Promise<void>;
  /** A portal configuration marked for `origin`, as `stripe:sync` makes one. */
  portalConfiguration(origin: string): Promise<string>;
  /** A webhook event about a completed checkout, signed with WEBHOOK_SECRET at `nowMs`. */
  signedEvent(nowMs: number): Promise<{ body: string; signature: string }>;
  /** The provider's clock, milliseconds. */
  now(): number;
  /** Lets the provider's clock run on. */
  wait(seconds: number): Promise<void>;
}

export interface Subject {
  /** A fresh billing with TIER's monthly and yearly prices (by lookup key) and no portal configuration. */
  start(): Promise<{ billing: Billing; arrange: Arrange; close(): Promise<void> }>;
}

const read: ReadOptions = { pastDue: 'keep', tierIds: [TIER, 'patron'], offerIds: [OFFER] };

export function billingContract(name: string, subject: Subject): void {
  describe(`the Billing port: ${name}`, () => {
    async function withBilling(test: (billing: Billing, arrange: Arrange) => Promise<void>) {
      const { billing, arrange, close } = await subject.start();
      try {
        await test(billing, arrange);
      } finally {
        await close();
      }
    }

    it('a join grants its tier, with its interval', () =>
      withBilling(async (billing, arrange) => {
        const { customer } = await arrange.join('joiner@example.com');
        expect(await billing.entitlements(customer, read)).toEqual({ tiers: [TIER], offers: [], interval: 'month' });
      }));

    it('a cancelled membership grants nothing and is lapsed', () =>
      withBilling(async (billing, arrange) => {
        const { customer, subscription } = await arrange.join('leaver@example.com');
        await arrange.cancel(subscription);
        expect(await billing.entitlements(customer, read)).toEqual({ tiers: [], offers: [], lapsed: [TIER] });
        expect((await billing.subscription(subscription)).status).toBe('canceled');
      }));

    it('an incomplete_expired subscription grants nothing', () =>
      withBilling(async (billing, arrange) => {
        const { customer } = await arrange.expireIncomplete();
        expect((await billing.entitlements(customer, read)).tiers).toEqual([]);
      }));

    it('past_due follows the policy: kept with keep, gone with revoke', () =>
      withBilling(async (billing, arrange) => {
        const { customer } = await arrange.pastDue('late@example.com');
        expect((await billing.memberships(customer, read)).map((m) => m.status)).toEqual(['past_due']);
        expect((await billing.entitlements(customer, read)).tiers).toEqual([TIER]);
        expect((await billing.entitlements(customer, { ...read, pastDue: 'revoke' })).tiers).toEqual([]);
      }));

    it('finds a verified email\'s customers ignoring letter case, once the lower-case copy is remembered and searchable', () =>
      withBilling(async (billing, arrange) => {
        const { customer } = await arrange.join('Ada.Case@Example.COM');
        await billing.rememberEmail(customer);
        // Typed exactly, the address is found at once; in another case only once search has indexed it.
        expect((await billing.fan('Ada.Case@Example.COM', read, () => {})).customers).toEqual([customer]);
        expect((await billing.fan('ada.case@example.com', read, () => {})).customers).toEqual([]);
        await arrange.wait(61);
        const fan = await billing.fan('ada.case@example.com', read, () => {});
        expect(fan.customers).toEqual([customer]);
        expect(fan.primary).toBe(customer);
        expect(fan.ent.tiers).toEqual([TIER]);
        expect(await billing.holdsTierElsewhere('ADA.CASE@example.com', 'cus_other', read, () => {})).toBe(true);
        expect(await billing.holdsTierElsewhere('ada.case@example.com', customer, read, () => {})).toBe(false);
      }));

    it('reads a completed subscription checkout back with its subscription', () =>
      withBilling(async (billing, arrange) => {
        const { customer, checkout, subscription } = await arrange.join('reader@example.com');
        const record = await billing.readCheckout(checkout);
        expect(record).toMatchObject({ id: checkout, status: 'complete', paymentStatus: 'paid', mode: 'subscription', customer, subscriptionId: subscription, email: 'reader@example.com', moneyReturned: false });
        expect(record.subscription).toMatchObject({ id: subscription, status: 'active', site: true });
        expect((await billing.checkoutMarks(checkout)).subscription).toBeUndefined();
      }));

    it('reads a completed purchase back with its charge, and it opens the offer', () =>
      withBilling(async (billing, arrange) => {
        const { customer, checkout } = await arrange.buy('buyer@example.com');
        const record = await billing.readCheckout(checkout);
        expect(record).toMatchObject({ status: 'complete', paymentStatus: 'paid', mode: 'payment', customer, moneyReturned: false });
        expect(offerOfCheckout(record)).toBe(OFFER);
        expect((await billing.entitlements(customer, read)).offers).toEqual([OFFER]);
        expect((await billing.account([customer], read)).purchases.map((p) => p.offer)).toEqual([OFFER]);
      }));

    it('writes marks on a checkout and reads them back, idempotently, keeping its other metadata', () =>
      withBilling(async (billing, arrange) => {
        const { checkout } = await arrange.join('marked@example.com');
        const before = (await billing.checkoutMarks(checkout)).metadata;
        await billing.markCheckout(checkout, 'truefans_welcomed', '1');
        await billing.markCheckout(checkout, 'truefans_welcomed', '1');
        expect((await billing.checkoutMarks(checkout)).metadata).toEqual({ ...before, truefans_welcomed: '1' });
      }));

    it('finds only active prices by lookup key', () =>
      withBilling(async (billing, arrange) => {
        expect(await billing.findPrice(lookupKey.tier(TIER, 'year'))).toMatchObject({ interval: 'year', currency: 'usd' });
        await arrange.archivedPrice(lookupKey.offer('old'));
        expect(await billing.findPrice(lookupKey.offer('old'))).toBeUndefined();
        expect(await billing.findPrice(lookupKey.tier('nobody', 'month'))).toBeUndefined();
      }));

    it('refuses the portal without a configuration, as Stripe does, and opens it with one', () =>
      withBilling(async (billing, arrange) => {
        const { customer } = await arrange.join('portal@example.com');
        expect(await billing.portalConfiguration(ORIGIN)).toBeUndefined();
        const refused = await billing.openPortal({ customer, returnUrl: `${ORIGIN}/`, configuration: undefined }).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(BillingError);
        expect(refused).toMatchObject({ transient: false, missing: false });
        const id = await arrange.portalConfiguration(ORIGIN);
        expect(await billing.portalConfiguration(ORIGIN)).toBe(id);
        expect(await billing.openPortal({ customer, returnUrl: `${ORIGIN}/`, configuration: id })).toMatch(/^https?:\/\//);
      }));

    it('verifies a signed event, and refuses a tampered body, a wrong secret or an old signature', () =>
      withBilling(async (billing, arrange) => {
        const now = arrange.now();
        const { body, signature } = await arrange.signedEvent(now);
        expect(await billing.verifyEvent(body, signature, WEBHOOK_SECRET, 300, now)).toMatchObject({ kind: 'checkout' });
        await expect(billing.verifyEvent(body.replace('complete', 'completE'), signature, WEBHOOK_SECRET, 300, now)).rejects.toBeDefined();
        await expect(billing.verifyEvent(body, signature, 'whsec_someone_else', 300, now)).rejects.toBeDefined();
        await expect(billing.verifyEvent(body, signature, WEBHOOK_SECRET, 300, now + 301_000)).rejects.toBeDefined();
      }));

    it('follow makes one customer for an unknown email, marked and dated, and a second follow in any case makes none', () =>
      withBilling(async (billing, arrange) => {
        const at = arrange.now();
        expect(await billing.follow('New.Reader@Example.com', at, () => {})).toEqual({ created: true });
        await arrange.wait(61);
        const fan = await billing.fan('new.reader@example.com', read, () => {});
        expect(fan.customers).toHaveLength(1);
        expect(fan.follower).toBe(true);
        expect(fan.ent.tiers).toEqual([]);
        const record = await billing.customer(fan.customers[0]!);
        expect(record.email).toBe('new.reader@example.com');
        expect(record.metadata).toMatchObject({ truefans_follower: 'yes', truefans_followed_at: String(Math.floor(at / 1000)) });
        expect(postEmailsOn(record.metadata)).toBe(true);
        expect(await billing.follow('NEW.READER@example.com', arrange.now(), () => {})).toEqual({ created: false });
        expect((await billing.fan('new.reader@example.com', read, () => {})).customers).toEqual(fan.customers);
        // The first confirmation's time is kept.
        expect((await billing.customer(fan.customers[0]!)).metadata.truefans_followed_at).toBe(String(Math.floor(at / 1000)));
      }));

    it('follow marks a member\'s own customer instead of making one, and keeps the membership', () =>
      withBilling(async (billing, arrange) => {
        const { customer } = await arrange.join('member@example.com');
        await billing.rememberEmail(customer);
        await arrange.wait(61);
        expect((await billing.fan('member@example.com', read, () => {})).follower).toBe(false);
        expect(await billing.follow('Member@Example.com', arrange.now(), () => {})).toEqual({ created: false });
        const fan = await billing.fan('member@example.com', read, () => {});
        expect(fan.customers).toEqual([customer]);
        expect(fan.follower).toBe(true);
        expect(fan.ent.tiers).toEqual([TIER]);
        expect(isFollower((await billing.customer(customer)).metadata)).toBe(true);
      }));

    it('setPostEmails switches every customer of an email, or the customers named, and nobody else; follow switches them back on', () =>
      withBilling(async (billing, arrange) => {
        const { customer: paying } = await arrange.join('both@example.com');
        await billing.rememberEmail(paying);
        await billing.follow('both@example.com', arrange.now(), () => {});
        await billing.follow('bystander@example.com', arrange.now(), () => {});
        await arrange.wait(61);
        const bystander = (await billing.fan('bystander@example.com', read, () => {})).customers[0]!;
        const both = (await billing.fan('both@example.com', read, () => {})).customers;
        expect(both).toContain(paying);
        const on = async (id: string) => postEmailsOn((await billing.customer(id)).metadata);

        await billing.setPostEmails({ email: 'BOTH@example.com' }, false, () => {});
        for (const id of both) expect(await on(id), id).toBe(false);
        expect((await billing.customer(paying)).metadata.truefans_post_emails).toBe('off');
        expect(await on(bystander)).toBe(true);
        // Switching off twice is the same as once.
        await billing.setPostEmails({ email: 'both@example.com' }, false, () => {});
        for (const id of both) expect(await on(id)).toBe(false);

        await billing.setPostEmails({ customers: [paying] }, true, () => {});
        expect(await on(paying)).toBe(true);
        // On is the absence of the mark, on Stripe (an empty value unsets a key) as in memory.
        expect((await billing.customer(paying)).metadata.truefans_post_emails).toBeUndefined();
        expect(isFollower((await billing.customer(paying)).metadata)).toBe(true);

        await billing.setPostEmails({ customers: [bystander] }, false, () => {});
        expect(await on(bystander)).toBe(false);
        await billing.follow('bystander@example.com', arrange.now(), () => {});
        expect(await on(bystander)).toBe(true);
      }));

    it('digestSubscriptions lists the current fans (past due too) and only the subscriptions that ended since', () =>
      withBilling(async (billing, arrange) => {
        const late = await arrange.pastDue('late@example.com');
        await arrange.expireIncomplete();
        const earlier = await arrange.join('earlier@example.com');
        await arrange.cancel(earlier.subscription);
        await arrange.wait(8 * 86_400);
        const since = Math.floor(arrange.now() / 1000) - 7 * 86_400;
        const stayer = await arrange.join('stayer@example.com');
        const leaver = await arrange.join('leaver@example.com');
        await arrange.cancel(leaver.subscription);
        const { current, ended, atLeast } = await billing.digestSubscriptions(since);
        expect(atLeast).toBe(false);
        expect(current.map((s) => [s.customer, s.status]).sort()).toEqual([[late.customer, 'past_due'], [stayer.customer, 'active']].sort());
        const joined = current.find((s) => s.customer === stayer.customer)!;
        expect(joined).toMatchObject({ amount: 500, interval: 'month', endedAt: undefined });
        expect(joined.startDate).toBeGreaterThanOrEqual(since);
        expect(ended).toHaveLength(1);
        expect(ended[0]).toMatchObject({ customer: leaver.customer, status: 'canceled', amount: 500, interval: 'month' });
        expect(ended[0]!.endedAt).toBeGreaterThanOrEqual(since);
      }));

    it('the digest mark: none without a portal configuration, then written and read back fresh, keeping the portal\'s own mark', () =>
      withBilling(async (billing, arrange) => {
        expect(await billing.digestMark(ORIGIN)).toBeUndefined();
        const id = await arrange.portalConfiguration(ORIGIN);
        expect(await billing.digestMark(ORIGIN)).toEqual({ configuration: id, week: undefined });
        await billing.markDigest(id, '2026-W47');
        expect(await billing.digestMark(ORIGIN)).toEqual({ configuration: id, week: '2026-W47' });
        await billing.markDigest(id, '2026-W48');
        expect((await billing.digestMark(ORIGIN))?.week).toBe('2026-W48');
        expect(await billing.portalConfiguration(ORIGIN)).toBe(id);
        expect(await billing.markDigest('bpc_nobody', '2026-W48').catch((e: unknown) => e)).toMatchObject({ missing: true, transient: false });
      }));

    it('a customer it does not know is missing; holdings leave it out', () =>
      withBilling(async (billing, arrange) => {
        const { customer } = await arrange.join('known@example.com');
        for (const call of [() => billing.entitlements('cus_nobody', read), () => billing.customer('cus_nobody'), () => billing.readCheckout('cs_test_nobody')]) {
          expect(await call().catch((e: unknown) => e)).toMatchObject({ missing: true, transient: false });
        }
        expect((await billing.holdings(['cus_nobody', customer], read)).map((h) => h.customer)).toEqual([customer]);
      }));

    it('gift memberships: one customer per email, one gift subscription per session, never past two years', () =>
      withBilling(async (billing, arrange) => {
        const { customer: member } = await arrange.join('gifted@example.com');
        expect(await billing.customerFor('Gifted@Example.com', () => {})).toBe(member);
        const fresh = await billing.customerFor('New.Friend@example.com', () => {});
        expect(await billing.customerFor('new.friend@example.com', () => {})).toBe(fresh);

        const { checkout: session } = await arrange.buy('giver@example.com');
        const price = (await billing.findPrice(lookupKey.tier(TIER, 'year')))!;
        const now = Math.floor(arrange.now() / 1000);
        const tooLong = await billing.giveMembership({ session, customer: fresh, price: price.id, tier: TIER, until: now + 3 * 365 * 86400 }).catch((e: unknown) => e);
        expect(tooLong).toBeInstanceOf(BillingError);
        expect(tooLong).toMatchObject({ transient: false });

        const until = now + 365 * 86400;
        const given = await billing.giveMembership({ session, customer: fresh, price: price.id, tier: TIER, until });
        expect(given).toMatchObject({ subscription: expect.stringMatching(/^sub_/) });
        // Asked again for the same recipient: the same subscription; for anyone else: taken.
        expect(await billing.giveMembership({ session, customer: fresh, price: price.id, tier: TIER, until })).toEqual(given);
        expect(await billing.giveMembership({ session, customer: member, price: price.id, tier: TIER, until })).toEqual({ taken: true });

        expect((await billing.entitlements(fresh, read)).tiers).toEqual([TIER]);
        const [membership] = await billing.memberships(fresh, read);
        // A trial that ends, and the membership with it: the account page says it will not be charged.
        expect(membership).toMatchObject({ status: 'trialing', trialEnd: until, endsAt: until, live: true });
        // Gifts are not paying fans, for the fan count or the weekly digest.
        const before = await billing.countFans();
        expect(before.fans).toBe(1);
        expect((await billing.digestSubscriptions(now - 86_400)).current.map((s) => s.customer)).toEqual([member]);

        await billing.endSubscription((given as { subscription: string }).subscription);
        expect((await billing.entitlements(fresh, read)).tiers).toEqual([]);
        await billing.endSubscription((given as { subscription: string }).subscription);
        expect(await billing.checkoutOfPayment('pi_nobody')).toBeUndefined();
        expect((await billing.giftCheckouts(now - 86400)).map((c) => c.id)).not.toContain(session);
      }));
  });
}
