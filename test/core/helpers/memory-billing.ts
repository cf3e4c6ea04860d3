// The Billing port held in memory, for core tests that need what a provider cannot be asked to do on
// cue: answer with a fault (transient, refused, missing) or not at all, or hold a subscription in any
// status. The same contract suite runs against it and the Stripe billing over the stand-in
// (test/billing/contract.ts), so it is never more lenient than Stripe: where Stripe refuses, so does it.

import { FOLLOWED_AT_KEY, FOLLOWER_KEY, isFollower, POST_EMAILS_KEY, postEmailsOn } from '../../../src/core/follower-marks.ts';
import { followerMarks } from '../../../src/billing/stripe/followers.ts';
import { cleanWallName, WALL_METADATA } from '../../../src/core/wall.ts';
import type { Entitlements } from '../../../src/core/access.ts';
import {
  BillingError,
  type Billing,
  type BillingEvent,
  type BillingFactory,
  type CheckoutRecord,
  type CheckoutStart,
  type FanHoldings,
  type Holding,
  type Membership,
  type PortalRequest,
  type ReadOptions,
  type SubscriptionRecord,
} from '../../../src/core/billing.ts';
import { hasAny, LAPSED, offerOfCheckout, primaryOf, statusGrants, unionOf } from '../../../src/core/holdings.ts';
import { feedGeneration } from '../../../src/core/tokens/feed.ts';
import { EMAIL_KEY, MAX_CUSTOMERS, normalEmail } from '../../../src/billing/stripe/fans.ts';
import { PORTAL_METADATA_KEY } from '../../../src/billing/stripe/portal.ts';
import { RECHECK_TIMEOUT_MS } from '../../../src/billing/stripe/client.ts';
import { GIFT_KIND, GIFT_SUBSCRIPTION_MARK } from '../../../src/core/gifts/rules.ts';

/** What the provider does on the next calls: answer, fail, or never answer. */
export type Fault = 'transient' | 'refused' | 'missing' | 'hang';

export interface MemoryCustomer {
  id: string;
  email: string | undefined;
  metadata: Record<string, string>;
  /** Seconds. */
  created: number;
  deleted: boolean;
}

export interface MemorySubscription {
  id: string;
  customer: string;
  tier: string;
  interval: 'month' | 'year';
  item: string;
  amount: number;
  currency: string;
  status: string;
  metadata: Record<string, string>;
  trialEnd: number | undefined;
  /** Seconds: when the membership began. */
  startDate: number;
  periodEnd: number;
  cancelAt: number | undefined;
  endedAt: number | undefined;
}

export interface MemoryCheckout {
  id: string;
  mode: 'subscription' | 'payment';
  status: 'open' | 'complete' | 'expired';
  paymentStatus: 'paid' | 'unpaid' | 'no_payment_required';
  customer: string | undefined;
  metadata: Record<string, string>;
  created: number;
  amountTotal: number | null;
  currency: string | null;
  email: string | undefined;
  name: string | undefined;
  /** What the fan typed in the supporter-wall field, if anything. */
  wallName?: string | undefined;
  subscription: string | undefined;
  charge: string | undefined;
  /** The charge was fully refunded or disputed. */
  moneyReturned: boolean;
  /** What the core asked for. */
  start: CheckoutStart | undefined;
}

export interface MemoryPrice {
  id: string;
  lookupKey: string | undefined;
  active: boolean;
  amount: number | null;
  currency: string;
  interval: 'month' | 'year' | undefined;
}

export interface MemoryBilling {
  /** The factory the handler takes (HandlerOptions.billing). */
  factory: BillingFactory;
  /** A billing over this memory, as the factory makes it. */
  billing(): Billing;
  /** Every call made to the port, as `method first-argument`. */
  calls: string[];
  /** Set to make every call fail this way (or hang); undefined answers. */
  fault: Fault | undefined;
  customers: Map<string, MemoryCustomer>;
  subscriptions: Map<string, MemorySubscription>;
  checkouts: Map<string, MemoryCheckout>;
  prices: Map<string, MemoryPrice>;
  portals: Array<{ id: string; active: boolean; metadata: Record<string, string> }>;
  addCustomer(fields?: { id?: string; email?: string; metadata?: Record<string, string>; created?: number }): string;
  deleteCustomer(id: string): void;
  /** A subscription to a tier, in any status (its amount from the tier's price when there is one). */
  join(customer: string, tier: string, fields?: { status?: string; interval?: 'month' | 'year'; amount?: number; trialEnd?: number; cancelAt?: number; metadata?: Record<string, string> }): string;
  setStatus(subscription: string, status: string): void;
  /** A completed one-time checkout for an offer; its charge id is `ch_` + the checkout's. */
  buy(customer: string, offer: string, fields?: { moneyReturned?: boolean; paymentStatus?: MemoryCheckout['paymentStatus'] }): string;
  /** The fan pays on the hosted page of an open checkout: a customer (if none), a subscription or a charge. */
  pay(checkout: string, fan?: { email?: string; name?: string }): void;
  addPrice(lookupKey: string | undefined, fields?: { amount?: number | null; currency?: string; interval?: 'month' | 'year'; active?: boolean }): string;
  addPortalConfiguration(metadata?: Record<string, string>, active?: boolean): string;
  /** A webhook body and its signature header, signed the way the provider signs (Stripe's scheme). */
  signEvent(event: BillingEvent, secret: string, timestampSeconds: number): Promise<{ body: string; signature: string }>;
}

/** Stripe's answers, as the Stripe billing turns them into BillingErrors (src/billing/stripe/faults.ts). */
const refusal = (httpStatus: number, code?: string, detail?: string) =>
  new BillingError({ transient: false, missing: httpStatus === 404 || code === 'resource_missing', status: ` (HTTP ${httpStatus}${code ? `, ${code}` : ''})`, httpStatus, ...(detail ? { detail } : {}) });
const missing = (what: string) => refusal(404, 'resource_missing', `No such ${what}.`);

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Stripe's webhook signature: HMAC-SHA256 of `<t>.<body>` with the endpoint secret, hex, as `t=...,v1=...`. */
async function signature(body: string, secret: string, t: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return hex(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${t}.${body}`)));
}

/**
 * Stripe's customer search finds a customer only after an indexing lag ("data is searchable in under 1
 * minute", docs.stripe.com/search); until then only the exact address typed is found.
 */
export const SEARCH_LAG_SECONDS = 60;

export function createMemoryBilling(options: { now?: () => number; searchLagSeconds?: number } = {}): MemoryBilling {
  const searchLag = options.searchLagSeconds ?? SEARCH_LAG_SECONDS;
  const now = () => Math.floor((options.now?.() ?? Date.now()) / 1000);
  let serial = 0;
  const nextId = (prefix: string) => `${prefix}_mem${(++serial).toString().padStart(6, '0')}`;
  const customers = new Map<string, MemoryCustomer>();
  const subscriptions = new Map<string, MemorySubscription>();
  const checkouts = new Map<string, MemoryCheckout>();
  const prices = new Map<string, MemoryPrice>();
  const portals: MemoryBilling['portals'] = [];

  const liveCustomer = (id: string) => {
    const c = customers.get(id);
    if (!c || c.deleted) throw missing('customer');
    return c;
  };
  const priceByKey = (key: string) => [...prices.values()].find((p) => p.active && p.lookupKey === key);

  function subscriptionRecord(sub: MemorySubscription): SubscriptionRecord {
    return { id: sub.id, status: sub.status, trialEnd: sub.trialEnd, firstItem: { amount: sub.amount, interval: sub.interval }, site: true, startDate: sub.startDate };
  }
  function checkoutRecord(c: MemoryCheckout, expanded: boolean): CheckoutRecord {
    const customer = c.customer && !customers.get(c.customer)?.deleted ? c.customer : undefined;
    const sub = c.subscription ? subscriptions.get(c.subscription) : undefined;
    return {
      id: c.id,
      status: c.status,
      paymentStatus: c.paymentStatus,
      mode: c.mode,
      created: c.created,
      customer,
      metadata: { ...c.metadata },
      amountTotal: c.amountTotal,
      currency: c.currency,
      email: c.email,
      name: c.name,
      subscriptionId: c.subscription,
      subscription: expanded && sub ? subscriptionRecord(sub) : undefined,
      wallName: c.wallName,
      // Without the charge read (checkoutMarks), nothing says the money went back.
      moneyReturned: expanded && c.moneyReturned,
    };
  }

  function entitlementsOf(customer: string, options: ReadOptions): Entitlements {
    liveCustomer(customer);
    const held = new Map<string, 'month' | 'year'>();
    const lapsed = new Set<string>();
    for (const sub of subscriptions.values()) {
      if (sub.customer !== customer || !options.tierIds.includes(sub.tier)) continue;
      if (statusGrants(sub.status, options.pastDue)) held.set(sub.tier, sub.interval);
      else if (LAPSED.has(sub.status)) lapsed.add(sub.tier);
    }
    const tiers = options.tierIds.filter((t) => held.has(t));
    const bought = new Set(
      options.offerIds.length ? [...checkouts.values()].filter((c) => c.customer === customer).map((c) => offerOfCheckout(checkoutRecord(c, true))) : [],
    );
    const top = tiers[tiers.length - 1];
    const lapsedTiers = tiers.length ? [] : options.tierIds.filter((t) => lapsed.has(t));
    const interval = top ? held.get(top) : undefined;
    return { tiers, offers: options.offerIds.filter((o) => bought.has(o)), ...(lapsedTiers.length ? { lapsed: lapsedTiers } : {}), ...(interval ? { interval } : {}) };
  }

  function holdingsOf(ids: readonly string[], options: ReadOptions): Holding[] {
    return ids.flatMap((customer) => (customers.get(customer)?.deleted === false ? [{ customer, ent: entitlementsOf(customer, options) }] : []));
  }

  /**
   * As the Stripe billing finds them: the exact address typed or its lower-case form (listed at once), or,
   * through search once it has indexed the customer, the lower-case copy in metadata.
   */
  /** Stripe merges metadata; an empty value unsets its key. */
  function mergeMetadata(c: MemoryCustomer, metadata: Record<string, string>): void {
    for (const [k, v] of Object.entries(metadata)) {
      if (v === '') delete c.metadata[k];
      else c.metadata[k] = v;
    }
  }

  function byEmail(email: string): MemoryCustomer[] {
    const wanted = normalEmail(email);
    const forms = new Set([email.trim(), wanted]);
    const searchable = (c: MemoryCustomer) => now() - c.created >= searchLag && (c.email === wanted || c.metadata[EMAIL_KEY] === wanted);
    return [...customers.values()]
      .filter((c) => !c.deleted && c.email !== undefined && normalEmail(c.email) === wanted && (forms.has(c.email) || searchable(c)))
      .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1))
      .slice(0, MAX_CUSTOMERS);
  }

  function membershipsOf(customer: string, options: ReadOptions): Membership[] {
    liveCustomer(customer);
    const out: Membership[] = [];
    for (const sub of [...subscriptions.values()].reverse()) {
      if (sub.customer !== customer || !options.tierIds.includes(sub.tier)) continue;
      const live = statusGrants(sub.status, options.pastDue);
      out.push({
        customer,
        subscription: sub.id,
        item: sub.item,
        tier: sub.tier,
        interval: sub.interval,
        amount: sub.amount,
        currency: sub.currency,
        status: sub.status,
        live,
        renewsAt: live && !sub.cancelAt && sub.status !== 'trialing' ? sub.periodEnd : undefined,
        trialEnd: sub.status === 'trialing' ? sub.trialEnd : undefined,
        endsAt: live ? sub.cancelAt : undefined,
        endedAt: sub.status === 'canceled' ? sub.endedAt : undefined,
      });
    }
    return out.sort((a, b) => Number(b.live) - Number(a.live));
  }

  function startCheckout(start: CheckoutStart): { url: string } {
    if (start.customer) liveCustomer(start.customer);
    let amount: number | null;
    let currency: string;
    if ('price' in start.item) {
      const price = prices.get(start.item.price);
      if (!price) throw refusal(400, 'resource_missing', 'No such price.');
      if (!price.active) throw refusal(400, undefined, 'The price is not active.');
      // Stripe: a subscription checkout needs a recurring price, a payment one a one-time price.
      if ((start.mode === 'subscription') !== (price.interval !== undefined)) throw refusal(400, undefined, 'The price does not fit the checkout mode.');
      amount = price.amount;
      currency = price.currency;
    } else {
      amount = start.item.amount;
      currency = start.item.currency;
    }
    const id = nextId('cs');
    checkouts.set(id, {
      id,
      mode: start.mode,
      status: 'open',
      paymentStatus: 'unpaid',
      customer: start.customer,
      metadata: { ...start.metadata },
      created: now(),
      amountTotal: amount,
      currency,
      email: undefined,
      name: undefined,
      subscription: undefined,
      charge: undefined,
      moneyReturned: false,
      start,
    });
    return { url: `https://billing.memory.invalid/pay/${id}` };
  }

  function openPortal(request: PortalRequest): string {
    liveCustomer(request.customer);
    if (request.configuration) {
      if (!portals.some((p) => p.id === request.configuration)) throw refusal(400, 'resource_missing', 'No such configuration.');
    } else {
      // Stripe refuses a portal session until the account has a default configuration (only the Dashboard makes one).
      throw refusal(400, undefined, 'No configuration provided and your test mode default configuration has not been created.');
    }
    if (request.planChange) {
      const sub = subscriptions.get(request.planChange.subscription);
      if (!sub || sub.customer !== request.customer) throw refusal(400, 'resource_missing', 'No such subscription.');
      if (!prices.get(request.planChange.price)?.active) throw refusal(400, 'resource_missing', 'No such price.');
    }
    return `https://billing.memory.invalid/portal/${nextId('bps')}`;
  }

  async function verifyEvent(body: string, header: string, secret: string, toleranceSeconds: number, nowMs: number): Promise<BillingEvent> {
    const parts = header.split(',').map((p) => p.split('=') as [string, string]);
    const t = Number(parts.find(([k]) => k === 't')?.[1]);
    const signatures = parts.filter(([k]) => k === 'v1').map(([, v]) => v);
    if (!Number.isInteger(t) || signatures.length === 0) throw new Error('Unable to extract timestamp and signatures from header');
    if (!signatures.includes(await signature(body, secret, t))) throw new Error('No signatures found matching the expected signature for payload');
    // Stripe refuses an event signed longer ago than the tolerance.
    if (toleranceSeconds > 0 && Math.floor(nowMs / 1000) - t > toleranceSeconds) throw new Error('Timestamp outside the tolerance zone');
    return JSON.parse(body) as BillingEvent;
  }

  const memory: MemoryBilling = {
    calls: [],
    fault: undefined,
    customers,
    subscriptions,
    checkouts,
    prices,
    portals,
    factory: () => memory.billing(),
    billing() {
      const billing: Billing = {
        entitlements: async (customer, options) => entitlementsOf(customer, options),
        holdings: async (ids, options) => holdingsOf(ids, options),
        async fan(email, options): Promise<FanHoldings> {
          const found = byEmail(email);
          const holdings = holdingsOf(found.map((c) => c.id), options);
          const ordered = [...holdings.filter((h) => hasAny(h.ent)), ...holdings.filter((h) => !hasAny(h.ent))];
          return {
            feedGen: Math.max(0, ...found.map((c) => feedGeneration(c.metadata))),
            customers: ordered.map((h) => h.customer),
            primary: primaryOf(holdings),
            ent: unionOf(holdings, options),
            holdings,
            follower: found.some((c) => isFollower(c.metadata)),
          };
        },
        async holdsTierElsewhere(email, customer, options) {
          const others = byEmail(email).map((c) => c.id).filter((id) => id !== customer);
          return holdingsOf(others, { ...options, pastDue: 'revoke' }).some((h) => h.ent.tiers.length > 0);
        },
        memberships: async (customer, options) => membershipsOf(customer, options),
        async account(ids, options, verifiedEmail) {
          const email = verifiedEmail ?? (ids[0] ? (customers.get(ids[0])?.deleted === false ? customers.get(ids[0])!.email : undefined) : undefined);
          if (ids[0] && !customers.has(ids[0])) throw missing('customer');
          const memberships = ids.flatMap((c) => membershipsOf(c, options)).sort((a, b) => Number(b.live) - Number(a.live));
          const bought = [...checkouts.values()].filter((c) => c.customer && ids.includes(c.customer)).sort((a, b) => a.created - b.created);
          const purchases = new Map<string, { offer: string; boughtAt: number }>();
          for (const c of bought) {
            const offer = offerOfCheckout(checkoutRecord(c, false));
            if (offer && options.offerIds.includes(offer) && !purchases.has(offer)) purchases.set(offer, { offer, boughtAt: c.created });
          }
          return { email, memberships, purchases: [...purchases.values()] };
        },
        async customer(id) {
          const c = customers.get(id);
          if (!c) throw missing('customer');
          return c.deleted ? { deleted: true, email: undefined, name: undefined, metadata: {} } : { deleted: false, email: c.email, name: undefined, metadata: { ...c.metadata } };
        },
        async setCustomerMetadata(id, metadata) {
          mergeMetadata(liveCustomer(id), metadata);
        },
        async follow(email, nowMs) {
          const wanted = normalEmail(email);
          // As the Stripe billing: the lookup (with search's lag), else an exact-email read, else one new customer.
          const existing = byEmail(email);
          const exact = existing.length ? existing : [...customers.values()].filter((c) => !c.deleted && c.email === wanted);
          for (const c of exact) mergeMetadata(c, followerMarks(c.metadata, wanted, Math.floor(nowMs / 1000), { reopen: true }));
          if (exact.length) return { created: false };
          memory.addCustomer({ email: wanted, metadata: { [EMAIL_KEY]: wanted, [FOLLOWER_KEY]: 'yes', [FOLLOWED_AT_KEY]: String(Math.floor(nowMs / 1000)) } });
          return { created: true };
        },
        async setPostEmails(who, on) {
          const targets = 'email' in who ? byEmail(who.email) : who.customers.map((id) => customers.get(id)).filter((c): c is MemoryCustomer => !!c && !c.deleted);
          for (const c of targets) if (postEmailsOn(c.metadata) !== on) mergeMetadata(c, { [POST_EMAILS_KEY]: on ? '' : 'off' });
        },
        async rememberEmail(id) {
          const c = customers.get(id);
          if (!c) throw missing('customer');
          if (!c.deleted && c.email) c.metadata[EMAIL_KEY] = normalEmail(c.email);
        },
        async findPrice(key) {
          const p = priceByKey(key);
          return p ? { id: p.id, amount: p.amount, currency: p.currency, interval: p.interval } : undefined;
        },
        startCheckout: async (start) => startCheckout(start),
        async readCheckout(id) {
          const c = checkouts.get(id);
          if (!c) throw missing('checkout session');
          return checkoutRecord(c, true);
        },
        async checkoutMarks(id) {
          const c = checkouts.get(id);
          if (!c) throw missing('checkout session');
          return checkoutRecord(c, false);
        },
        async markCheckout(id, mark, value) {
          const c = checkouts.get(id);
          if (!c) throw missing('checkout session');
          c.metadata[mark] = value;
        },
        async subscription(id) {
          const sub = subscriptions.get(id);
          if (!sub) throw missing('subscription');
          return subscriptionRecord(sub);
        },
        async chargeCustomer(id) {
          const c = [...checkouts.values()].find((x) => x.charge === id);
          if (!c) throw missing('charge');
          return c.customer;
        },
        async customerFor(email) {
          const wanted = normalEmail(email);
          const found = byEmail(email)[0] ?? [...customers.values()].find((c) => !c.deleted && c.email === wanted);
          return found ? found.id : memory.addCustomer({ email: wanted, metadata: { [EMAIL_KEY]: wanted } });
        },
        async giveMembership(grant) {
          // As Stripe's idempotency key per gift session: the first customer's subscription, or taken.
          const made = [...subscriptions.values()].find((sub) => sub.metadata[GIFT_SUBSCRIPTION_MARK] === grant.session);
          if (made) return made.customer === grant.customer ? { subscription: made.id } : { taken: true };
          const price = prices.get(grant.price);
          if (!price?.active || !price.interval) throw refusal(400, 'resource_missing', 'No such price.');
          // Stripe: trial_end "can be at most two years from billing_cycle_anchor".
          if (grant.until > now() + 2 * 366 * 86400 || grant.until <= now()) throw refusal(400, 'parameter_invalid_integer', 'Invalid trial_end.');
          const id = memory.join(grant.customer, grant.tier, { status: 'trialing', interval: price.interval, trialEnd: grant.until, cancelAt: grant.until, metadata: { [GIFT_SUBSCRIPTION_MARK]: grant.session } });
          return { subscription: id };
        },
        async endSubscription(id) {
          const sub = subscriptions.get(id);
          if (!sub) throw missing('subscription');
          if (sub.status !== 'canceled' && sub.status !== 'incomplete_expired') memory.setStatus(id, 'canceled');
        },
        async checkoutOfPayment(paymentIntent) {
          const c = [...checkouts.values()].find((x) => x.charge && `pi_${x.id}` === paymentIntent);
          return c ? checkoutRecord(c, true) : undefined;
        },
        async giftCheckouts(since) {
          return [...checkouts.values()].filter((c) => c.status === 'complete' && c.created >= since && c.metadata.truefans_kind === GIFT_KIND).reverse().map((c) => checkoutRecord(c, false));
        },
        async countFans() {
          const fans = new Set([...subscriptions.values()].filter((s) => (s.status === 'active' || s.status === 'trialing') && !s.metadata[GIFT_SUBSCRIPTION_MARK]).map((s) => s.customer));
          return { fans: fans.size, atLeast: false };
        },
        async supporterWall() {
          const seen = new Set<string>();
          const entries: { tier: string; name: string }[] = [];
          for (const sub of subscriptions.values()) {
            const c = customers.get(sub.customer);
            if ((sub.status !== 'active' && sub.status !== 'trialing') || !c || c.deleted || seen.has(c.id)) continue;
            seen.add(c.id);
            const name = cleanWallName(c.metadata[WALL_METADATA]);
            if (name) entries.push({ tier: sub.tier, name });
          }
          return { entries, atLeast: false };
        },
        async digestSubscriptions(since) {
          const record = (s: MemorySubscription) => ({ customer: s.customer, status: s.status, startDate: s.startDate, endedAt: s.endedAt, trialEnd: s.trialEnd, amount: s.amount, interval: s.interval });
          const all = [...subscriptions.values()].filter((s) => !s.metadata[GIFT_SUBSCRIPTION_MARK]);
          return {
            current: all.filter((s) => s.status === 'active' || s.status === 'trialing' || s.status === 'past_due').map(record),
            ended: all.filter((s) => s.endedAt !== undefined && s.endedAt >= since).map(record),
            atLeast: false,
          };
        },
        async digestMark(siteOrigin) {
          const marked = portals.filter((p) => p.active && p.metadata[PORTAL_METADATA_KEY]);
          const found = marked.find((p) => p.metadata[PORTAL_METADATA_KEY] === siteOrigin) ?? marked[0];
          return found ? { configuration: found.id, week: found.metadata.truefans_digest_week } : undefined;
        },
        async markDigest(configuration, week) {
          const found = portals.find((p) => p.id === configuration);
          if (!found) throw refusal(400, 'resource_missing', `No such configuration: '${configuration}'`);
          found.metadata.truefans_digest_week = week;
        },
        async portalConfiguration(siteOrigin) {
          const marked = portals.filter((p) => p.active && p.metadata[PORTAL_METADATA_KEY]);
          return (marked.find((p) => p.metadata[PORTAL_METADATA_KEY] === siteOrigin) ?? marked[0])?.id;
        },
        openPortal: async (request) => openPortal(request),
        verifyEvent,
      };
      return faulty(billing);
    },
    addCustomer(fields = {}) {
      const id = fields.id ?? nextId('cus');
      customers.set(id, { id, email: fields.email, metadata: { ...fields.metadata }, created: fields.created ?? now(), deleted: false });
      return id;
    },
    deleteCustomer(id) {
      liveCustomer(id).deleted = true;
    },
    join(customer, tier, fields = {}) {
      liveCustomer(customer);
      const interval = fields.interval ?? 'month';
      const price = priceByKey(`truefans:tier:${tier}:${interval}`);
      const id = nextId('sub');
      subscriptions.set(id, {
        id,
        customer,
        tier,
        interval,
        item: nextId('si'),
        amount: fields.amount ?? price?.amount ?? 500,
        currency: price?.currency ?? 'usd',
        status: fields.status ?? 'active',
        metadata: { truefans_tier: tier, ...fields.metadata },
        trialEnd: fields.trialEnd,
        startDate: now(),
        periodEnd: now() + (interval === 'month' ? 30 : 365) * 86400,
        cancelAt: fields.cancelAt,
        endedAt: undefined,
      });
      return id;
    },
    setStatus(id, status) {
      const sub = subscriptions.get(id);
      if (!sub) throw new Error(`memory billing: no subscription ${id}`);
      sub.status = status;
      if (status === 'canceled') sub.endedAt ??= now();
    },
    buy(customer, offer, fields = {}) {
      liveCustomer(customer);
      const id = nextId('cs');
      checkouts.set(id, {
        id,
        mode: 'payment',
        status: 'complete',
        paymentStatus: fields.paymentStatus ?? 'paid',
        customer,
        metadata: { truefans_kind: 'offer', truefans_offer: offer },
        created: now(),
        amountTotal: priceByKey(`truefans:offer:${offer}`)?.amount ?? 1200,
        currency: 'usd',
        email: customers.get(customer)!.email,
        name: undefined,
        subscription: undefined,
        charge: `ch_${id}`,
        moneyReturned: fields.moneyReturned ?? false,
        start: undefined,
      });
      return id;
    },
    pay(id, fan = {}) {
      const c = checkouts.get(id);
      if (!c || c.status !== 'open') throw new Error(`memory billing: no open checkout ${id}`);
      const customer = c.customer ?? memory.addCustomer({ email: fan.email });
      c.customer = customer;
      c.email = fan.email ?? customers.get(customer)!.email;
      c.name = fan.name;
      c.status = 'complete';
      c.paymentStatus = 'paid';
      if (c.mode === 'subscription') {
        const start = c.start!;
        const price = 'price' in start.item ? prices.get(start.item.price) : undefined;
        const tier = start.subscription?.metadata.truefans_tier ?? /^truefans:tier:([^:]+):/.exec(price?.lookupKey ?? '')?.[1] ?? '';
        const trialDays = start.subscription?.trialDays;
        c.subscription = memory.join(customer, tier, {
          status: trialDays ? 'trialing' : 'active',
          interval: price?.interval ?? 'month',
          ...(c.amountTotal !== null ? { amount: c.amountTotal } : {}),
          ...(trialDays ? { trialEnd: now() + trialDays * 86400 } : {}),
          metadata: start.subscription?.metadata ?? {},
        });
      } else {
        c.charge = `ch_${id}`;
      }
    },
    addPrice(lookupKey, fields = {}) {
      const id = nextId('price');
      if (lookupKey && fields.active !== false) {
        // Stripe: a lookup key belongs to one price; creating another with it fails unless it is transferred.
        if (priceByKey(lookupKey)) throw new Error(`memory billing: lookup key ${lookupKey} is taken`);
      }
      prices.set(id, { id, lookupKey, active: fields.active ?? true, amount: fields.amount === undefined ? 500 : fields.amount, currency: fields.currency ?? 'usd', interval: fields.interval });
      return id;
    },
    addPortalConfiguration(metadata = {}, active = true) {
      const id = nextId('bpc');
      portals.push({ id, active, metadata: { ...metadata } });
      return id;
    },
    async signEvent(event, secret, t) {
      const body = JSON.stringify(event);
      return { body, signature: `t=${t},v1=${await signature(body, secret, t)}` };
    },
  };

  /** Every method of `billing`, counted and failing as `memory.fault` says. */
  function faulty(billing: Billing): Billing {
    const out = {} as Record<string, unknown>;
    for (const [name, method] of Object.entries(billing) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
      out[name] = async (...args: unknown[]) => {
        memory.calls.push(`${name} ${typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0])}`);
        switch (memory.fault) {
          case 'transient':
            throw new BillingError({ transient: true, missing: false, status: ' (HTTP 500)', httpStatus: 500 });
          case 'refused':
            throw refusal(401, undefined, 'Invalid API Key provided.');
          case 'missing':
            throw missing('object');
          case 'hang': {
            // The provider never answers. A read gives up after its timeout, as the Stripe billing's
            // requests do (src/billing/stripe/client.ts); anything else waits for ever.
            const read = args.find((a): a is ReadOptions => typeof a === 'object' && a !== null && 'pastDue' in a);
            return new Promise((_, reject) => {
              if (read) setTimeout(() => reject(new BillingError({ transient: true, missing: false, status: ' (no answer)' })), read.timeoutMs ?? RECHECK_TIMEOUT_MS);
            });
          }
          default:
            return method(...args);
        }
      };
    }
    return out as unknown as Billing;
  }

  return memory;
}
