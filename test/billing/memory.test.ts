// The Billing contract against the in-memory billing the core tests use, arranged through its own methods.

import { createMemoryBilling } from '../core/helpers/memory-billing.ts';
import { lookupKey } from '../../src/core/manifest.ts';
import { billingContract, OFFER, ORIGIN, TIER, WEBHOOK_SECRET } from './contract.ts';

const NOW = Date.UTC(2026, 10, 22, 12);

billingContract('in memory', {
  async start() {
    let now = NOW;
    const memory = createMemoryBilling({ now: () => now });
    const month = memory.addPrice(lookupKey.tier(TIER, 'month'), { amount: 500, interval: 'month' });
    memory.addPrice(lookupKey.tier(TIER, 'year'), { amount: 5000, interval: 'year' });
    const billing = memory.billing();
    const checkoutId = (url: string | null) => url!.slice(url!.lastIndexOf('/') + 1);
    const urls = { successUrl: `${ORIGIN}/done`, cancelUrl: `${ORIGIN}/`, submitMessage: undefined, tax: undefined, customer: undefined };
    const join = async (email: string) => {
      const id = checkoutId(
        (await billing.startCheckout({ ...urls, mode: 'subscription', metadata: { truefans_kind: 'tier', truefans_tier: TIER }, item: { price: month }, subscription: { metadata: { truefans_tier: TIER }, trialDays: undefined } })).url,
      );
      memory.pay(id, { email });
      const paid = memory.checkouts.get(id)!;
      return { customer: paid.customer!, checkout: id, subscription: paid.subscription! };
    };
    return {
      billing,
      close: async () => {},
      arrange: {
        join,
        async buy(email) {
          const id = checkoutId(
            (await billing.startCheckout({ ...urls, mode: 'payment', metadata: { truefans_kind: 'offer', truefans_offer: OFFER }, item: { amount: 1200, currency: 'usd', productName: 'Field recordings', taxBehavior: undefined } })).url,
          );
          memory.pay(id, { email });
          return { customer: memory.checkouts.get(id)!.customer!, checkout: id };
        },
        async cancel(subscription) {
          memory.setStatus(subscription, 'canceled');
        },
        async expireIncomplete() {
          const customer = memory.addCustomer({ email: 'unpaid@example.com' });
          memory.join(customer, TIER, { status: 'incomplete_expired' });
          return { customer };
        },
        async pastDue(email) {
          const joined = await join(email);
          memory.setStatus(joined.subscription, 'past_due');
          return joined;
        },
        async archivedPrice(key) {
          memory.addPrice(key, { active: false });
        },
        async portalConfiguration(origin) {
          return memory.addPortalConfiguration({ truefans_portal: origin });
        },
        async signedEvent(nowMs) {
          const { checkout } = await join('evented@example.com');
          const event = { id: 'evt_contract', type: 'checkout.session.completed', created: Math.floor(nowMs / 1000), kind: 'checkout' as const, checkout: await billing.readCheckout(checkout) };
          return memory.signEvent(event, WEBHOOK_SECRET, Math.floor(nowMs / 1000));
        },
        now: () => now,
        async wait(seconds) {
          now += seconds * 1000;
        },
      },
    };
  },
});
