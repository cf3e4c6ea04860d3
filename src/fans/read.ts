// Reads what the dashboard needs from Stripe with the `stripe` package: every list paged 100 at a time
// (Stripe's largest page, so one list call per 100 objects), each object cut down at once to the few fields
// figures.ts uses, so 10,000 fans' history fits in memory. Progress goes to stderr.

import type Stripe from 'stripe';
import { tierOfPrice } from '../billing/stripe/entitlements.ts';
import type { LegacyTiers } from '../core/holdings.ts';
import { GIFT_KIND, GIFT_META, GIFT_SUBSCRIPTION_MARK } from '../core/gifts/rules.ts';

/** A Stripe customer: one fan may be several (Checkout makes a new one per subscription). */
export interface FanCustomer {
  id: string;
  email: string | null;
  name: string | null;
  country: string | null;
  created: number;
  /** Issue 13's followers: `metadata.truefans_follower = "yes"`, since `truefans_followed_at` (unix seconds). */
  follower: boolean;
  followedAt: number | null;
  /** The name the fan chose for the supporter wall (`metadata.truefans_wall_name`). */
  wallName: string | null;
}

export interface FanPrice {
  id: string;
  tier: string | null;
  amount: number;
  interval: 'day' | 'week' | 'month' | 'year' | null;
  intervalCount: number;
}

/** A subscription to a truefans tier (others in the account are left out). */
export interface FanSubscription {
  id: string;
  customer: string;
  status: string;
  /** The price it holds now and how many. */
  price: FanPrice;
  quantity: number;
  start: number;
  endedAt: number | null;
  trialStart: number | null;
  trialEnd: number | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: number | null;
  /** A gift membership (metadata `truefans_gift`, the gift's Checkout Session): a free trial that never charges. */
  gift: boolean;
  /** Stripe's `cancellation_details`: `reason` is Stripe's (cancellation_requested, payment_failed,
   * payment_disputed), `feedback` the fan's choice in the billing portal, `comment` the fan's own words. */
  cancellation: { reason: string | null; feedback: string | null; comment: string | null };
}

/** A paid invoice: what a membership brought in, and which price it was for (a tier's history). */
export interface FanInvoice {
  id: string;
  customer: string;
  subscription: string | null;
  amountPaid: number;
  paidAt: number;
  /** The price of the first line (the 2025+ API names it at `pricing.price_details.price`). */
  price: string | null;
}

/** A completed truefans Checkout Session: a join (tier), a purchase (offer), a tip (pay what you want, `gift`) or a gift membership bought for someone (`membership-gift`). */
export interface FanCheckout {
  id: string;
  kind: 'tier' | 'offer' | 'gift' | 'membership-gift';
  customer: string | null;
  email: string | null;
  country: string | null;
  /** Offer id or tier id, from the session's metadata. */
  item: string | null;
  /** Amount paid for offers and tips once paid (a bank debit may still be processing); 0 for joins. */
  amount: number;
  paid: boolean;
  created: number;
  paymentIntent: string | null;
  /** The page the fan started from (`metadata.truefans_return`, set by the checkout route). */
  returnPath: string | null;
}

export interface FanRefund {
  id: string;
  amount: number;
  created: number;
  paymentIntent: string | null;
}

export interface FanData {
  /** Unix seconds: "this month" and every "until now" are measured from here. */
  now: number;
  customers: FanCustomer[];
  prices: FanPrice[];
  subscriptions: FanSubscription[];
  invoices: FanInvoice[];
  checkouts: FanCheckout[];
  refunds: FanRefund[];
  /** How many list calls the read made, per list. */
  calls: Record<string, number>;
}

export interface Progress {
  /** `list` is one of the lists in order, `read` how many objects so far. */
  update(step: number, steps: number, list: string, read: number): void;
  done(): void;
}

interface Page<T> {
  data: T[];
  has_more: boolean;
}

/** Pages through one list, 100 at a time, keeping what `keep` returns for each object. */
async function pageThrough<T extends { id: string }, R>(
  list: (after: string | undefined) => Promise<Page<T>>,
  keep: (item: T) => R | undefined,
  onPage: (read: number) => void,
): Promise<{ items: R[]; calls: number }> {
  const items: R[] = [];
  let after: string | undefined;
  let calls = 0;
  let read = 0;
  for (;;) {
    const page = await list(after);
    calls += 1;
    read += page.data.length;
    for (const item of page.data) {
      const kept = keep(item);
      if (kept !== undefined) items.push(kept);
    }
    onPage(read);
    if (!page.has_more || page.data.length === 0) return { items, calls };
    after = page.data[page.data.length - 1]!.id;
  }
}

const after = (id: string | undefined) => (id ? { starting_after: id } : {});
const idOf = (value: string | { id: string } | null | undefined): string | null => (value == null ? null : typeof value === 'string' ? value : value.id);

function priceOf(price: Stripe.Price, productTiers: Map<string, string>, also: LegacyTiers | undefined): FanPrice {
  const product = idOf(price.product);
  return {
    id: price.id,
    tier: tierOfPrice(price) ?? (product ? productTiers.get(product) : undefined) ?? tierOfPrice(price, also) ?? null,
    amount: price.unit_amount ?? 0,
    interval: (['day', 'week', 'month', 'year'] as const).find((i) => i === price.recurring?.interval) ?? null,
    intervalCount: price.recurring?.interval_count ?? 1,
  };
}

const STEPS = ['customers', 'products', 'prices', 'subscriptions', 'invoices', 'checkouts', 'refunds'] as const;

/** Reads everything the dashboard shows. `now` is in unix seconds. */
/** `also`: site.yaml's `tiers[].also`, so fans on a Ghost or Substack price count as their tier. */
export async function readFans(stripe: Stripe, now: number, progress?: Progress, also?: LegacyTiers): Promise<FanData> {
  const calls: Record<string, number> = {};
  const step = (name: (typeof STEPS)[number]) => (read: number) => progress?.update(STEPS.indexOf(name) + 1, STEPS.length, name, read);

  const customers = await pageThrough(
    (id) => stripe.customers.list({ limit: 100, ...after(id) }),
    (c): FanCustomer => {
      const followedAt = Number(c.metadata?.truefans_followed_at);
      return {
        id: c.id,
        email: c.email ?? null,
        name: c.name ?? null,
        country: c.address?.country ?? null,
        created: c.created,
        follower: c.metadata?.truefans_follower === 'yes',
        followedAt: Number.isFinite(followedAt) && followedAt > 0 ? followedAt : null,
        wallName: c.metadata?.truefans_wall_name?.trim() || null,
      };
    },
    step('customers'),
  );
  calls.customers = customers.calls;

  // A price that names no tier may belong to a product that does (`metadata.truefans_tier`).
  const products = await pageThrough(
    (id) => stripe.products.list({ limit: 100, ...after(id) }),
    (p) => (p.metadata?.truefans_tier ? ([p.id, p.metadata.truefans_tier] as const) : undefined),
    step('products'),
  );
  calls.products = products.calls;
  const productTiers = new Map(products.items);

  // Archived prices too: fans keep a price after it is replaced (stripe:sync archives the old one).
  const prices = await pageThrough(
    (id) => stripe.prices.list({ limit: 100, ...after(id) }),
    (p) => priceOf(p, productTiers, also),
    step('prices'),
  );
  calls.prices = prices.calls;

  // status=all: Stripe lists only subscriptions that have not ended unless asked for all (SubscriptionListParams.status).
  const subscriptions = await pageThrough(
    (id) => stripe.subscriptions.list({ limit: 100, status: 'all', ...after(id) }),
    (s): FanSubscription | undefined => {
      const item = s.items.data[0];
      if (!item) return undefined;
      const price = priceOf(item.price, productTiers, also);
      if (!price.tier && s.metadata?.truefans_tier) price.tier = s.metadata.truefans_tier;
      if (!price.tier) return undefined;
      return {
        id: s.id,
        customer: idOf(s.customer)!,
        status: s.status,
        price,
        quantity: item.quantity ?? 1,
        start: s.start_date,
        endedAt: s.ended_at,
        trialStart: s.trial_start,
        trialEnd: s.trial_end,
        cancelAtPeriodEnd: s.cancel_at_period_end,
        cancelAt: s.cancel_at,
        gift: Boolean(s.metadata?.[GIFT_SUBSCRIPTION_MARK]),
        cancellation: { reason: s.cancellation_details?.reason ?? null, feedback: s.cancellation_details?.feedback ?? null, comment: s.cancellation_details?.comment ?? null },
      };
    },
    step('subscriptions'),
  );
  calls.subscriptions = subscriptions.calls;

  const invoices = await pageThrough(
    (id) => stripe.invoices.list({ limit: 100, status: 'paid', ...after(id) }),
    (i): FanInvoice | undefined => {
      const customer = idOf(i.customer);
      if (!customer || !i.id) return undefined;
      const line = i.lines?.data[0];
      return {
        id: i.id,
        customer,
        subscription: idOf(i.parent?.subscription_details?.subscription),
        amountPaid: i.amount_paid,
        paidAt: i.status_transitions?.paid_at ?? i.created,
        price: idOf(line?.pricing?.price_details?.price),
      };
    },
    step('invoices'),
  );
  calls.invoices = invoices.calls;

  const checkouts = await pageThrough(
    (id) => stripe.checkout.sessions.list({ limit: 100, status: 'complete', ...after(id) }),
    (s): FanCheckout | undefined => {
      const kind = s.metadata?.truefans_kind;
      if (kind !== 'tier' && kind !== 'offer' && kind !== 'gift' && kind !== GIFT_KIND) return undefined;
      const paid = s.payment_status === 'paid';
      return {
        id: s.id,
        kind,
        customer: idOf(s.customer),
        email: s.customer_details?.email ?? null,
        country: s.customer_details?.address?.country ?? null,
        item: (kind === 'offer' ? s.metadata?.truefans_offer : kind === GIFT_KIND ? s.metadata?.[GIFT_META.tier] : s.metadata?.truefans_tier) || null,
        amount: kind !== 'tier' && paid ? (s.amount_total ?? 0) : 0,
        paid,
        created: s.created,
        paymentIntent: idOf(s.payment_intent),
        returnPath: s.metadata?.truefans_return || null,
      };
    },
    step('checkouts'),
  );
  calls.checkouts = checkouts.calls;

  const refunds = await pageThrough(
    (id) => stripe.refunds.list({ limit: 100, ...after(id) }),
    (r): FanRefund | undefined => (r.status === 'failed' || r.status === 'canceled' ? undefined : { id: r.id, amount: r.amount, created: r.created, paymentIntent: idOf(r.payment_intent) }),
    step('refunds'),
  );
  calls.refunds = refunds.calls;
  progress?.done();

  return {
    now,
    customers: customers.items,
    prices: prices.items,
    subscriptions: subscriptions.items,
    invoices: invoices.items,
    checkouts: checkouts.items,
    refunds: refunds.items,
    calls,
  };
}

/** A one-line progress bar on a terminal (redrawn in place); on a pipe, nothing until a line at the end. */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let last = '';
  let total = 0;
  const counts = new Map<string, number>();
  return {
    update(step, steps, list, read) {
      counts.set(list, read);
      total = [...counts.values()].reduce((a, b) => a + b, 0);
      if (!stream.isTTY) return;
      const width = 20;
      const filled = Math.round((width * (step - 1)) / steps);
      const line = `Reading Stripe [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${step}/${steps} ${list}: ${read.toLocaleString('en-US')}`;
      if (line !== last) stream.write(`\r${line.padEnd(last.length)}`);
      last = line;
    },
    done() {
      const summary = `Read ${total.toLocaleString('en-US')} objects from Stripe.`;
      stream.write(stream.isTTY ? `\r${summary.padEnd(last.length)}\n` : `${summary}\n`);
    },
  };
}
