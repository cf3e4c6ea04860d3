// Every figure and every chart's data of the fans dashboard, as pure functions of what read.ts read and
// the site's tiers and goal. Money is in minor units of the site's currency; times are unix seconds;
// months are calendar months in UTC ("2026-03").
//
// Definitions, used everywhere below:
// - A fan is a person (customers with the same email, ignoring case, are one person: Checkout makes a new
//   customer for each subscription) holding a truefans tier subscription that is active, trialing or
//   past_due: the same statuses the edge counts toward the goal in its "new true fan" email. A gift
//   membership (a subscription marked `truefans_gift`: a free trial that never charges) makes nobody a fan:
//   its recipient is counted apart, as reading on a gift, and it is in no stay, trial, churn or revenue.
// - A fan's stay is the time from a subscription's start to its end (`ended_at`); stays of one person that
//   touch or overlap are one stay. A fan is new in the month a stay starts and lost in the month it ends.
// - Churn in a month = fans lost in the month / fans at the start of the month (none at the start: no rate).
// - Recurring revenue (MRR) = the monthly price of every subscription that counts as a fan and is not in
//   a trial (yearly prices / 12); the yearly figure is 12 × MRR. Discounts are not taken off.
// - A subscription's tier at a moment is the tier of the price on its latest paid invoice by then (its
//   current price before its first invoice): an upgrade shows from the invoice that bills it.

import type { SiteConfig } from '../config/site-schema.ts';
import { toMinorUnits } from '../core/money.ts';
import { cancellationReason, wholeMonths } from '../core/tenure.ts';
import type { FanCheckout, FanCustomer, FanData, FanPrice, FanSubscription } from './read.ts';

/** Subscription statuses that count as a fan (active, in a trial, or paying late while Stripe retries). */
const FAN_STATUSES = new Set(['active', 'trialing', 'past_due']);
/** Statuses of a subscription that never started: its checkout was never paid. */
const NEVER_STARTED = new Set(['incomplete', 'incomplete_expired']);

export interface Person {
  key: string;
  customers: FanCustomer[];
  email: string | null;
  name: string | null;
  country: string | null;
  wallName: string | null;
  follower: boolean;
  /** The tier the fan holds now (the highest, in site.yaml's order), or their last one. */
  tier: string | null;
  /** active, trialing, past_due, canceled (a former fan), gift (reading on a gift membership, not a fan), or none (a buyer or follower only). */
  status: string;
  /** Start of the current stay (for a fan), or of the first (for a former fan). */
  fanSince: number | null;
  totalPaid: number;
  /** Offers bought and tips given (refunded or not). */
  purchases: number;
}

export interface MonthFigures {
  month: string;
  newFans: number;
  lostFans: number;
  /** Fans at the start of the month. */
  startFans: number;
  /** Lost / start, or null when the month started with none. */
  churn: number | null;
}

export interface Figures {
  currency: string;
  now: number;
  fans: number;
  fansByTier: { tier: string; name: string; fans: number }[];
  followers: number;
  mrr: number;
  arr: number;
  thisMonth: MonthFigures;
  lastMonth: MonthFigures;
  trials: { started: number; converted: number; inTrial: number; notConverted: number };
  /** Gift memberships: paid gift checkouts, and people reading on a live gift who are not fans themselves. */
  gifts: { bought: number; reading: number };
  atRisk: number;
  goal: { fans: number; fanGoal: number; yearly: number; yearlyGoal: number };
  refunds: number;
  charts: {
    fansOverTime: { month: string; tier: string; fans: number }[];
    recurringRevenue: { month: string; mrr: number }[];
    revenueByMonth: { month: string; kind: 'memberships' | 'purchases' | 'tips'; amount: number }[];
    churnByMonth: MonthFigures[];
    cancellationReasons: { reason: string; fans: number }[];
    tenure: { stayed: string; current: number; former: number }[];
  };
  /** The fans' own words when cancelling, newest first (untrusted text). */
  comments: { email: string | null; tier: string | null; feedback: string; comment: string; at: number }[];
  tables: {
    newest: Person[];
    longestStanding: Person[];
    atRisk: Person[];
    biggestSupporters: Person[];
    posts: { path: string; joins: number; purchases: number }[];
  };
  people: Person[];
}

const monthOf = (t: number) => new Date(t * 1000).toISOString().slice(0, 7);
const monthStart = (month: string) => Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1) / 1000;
const nextMonth = (month: string) => monthOf(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1) / 1000);

/** Every month from `first` to `last`, inclusive. */
export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let m = first; m <= last; m = nextMonth(m)) out.push(m);
  return out;
}

/** Why a subscription ended: the fan's choice, else Stripe's reason, else that no reason was given. */
export function reasonOf(sub: FanSubscription): string {
  return cancellationReason(sub.cancellation);
}

const TENURE_BUCKETS: { label: string; below: number }[] = [
  { label: 'under 1 month', below: 1 },
  { label: '1–2 months', below: 3 },
  { label: '3–5 months', below: 6 },
  { label: '6–11 months', below: 12 },
  { label: '1–2 years', below: 24 },
  { label: '2 years or more', below: Infinity },
];
const monthlyAmount = (price: FanPrice, quantity: number): number => {
  const perYear = { day: 365, week: 52, month: 12, year: 1 }[price.interval ?? 'month'];
  return (price.amount * quantity * perYear) / 12 / price.intervalCount;
};

interface Stay {
  start: number;
  end: number | null;
}

/** Merges stays that touch or overlap. */
function merge(stays: Stay[]): Stay[] {
  const sorted = [...stays].sort((a, b) => a.start - b.start);
  const out: Stay[] = [];
  for (const stay of sorted) {
    const last = out[out.length - 1];
    if (last && (last.end === null || stay.start <= last.end)) {
      last.end = last.end === null || stay.end === null ? null : Math.max(last.end, stay.end);
    } else out.push({ ...stay });
  }
  return out;
}

/** A one-time sale in the revenue chart: a gift membership is a purchase (of a membership), a pay-what-you-want gift a tip. */
const saleKind = (c: FanCheckout): 'purchases' | 'tips' => (c.kind === 'gift' ? 'tips' : 'purchases');

const within = (stay: Stay, t: number) => stay.start <= t && (stay.end === null || t < stay.end);

/** What the figures need from site.yaml: the tiers in order, the currency and the goal. */
export type FiguresSite = Pick<SiteConfig, 'currency' | 'fan_goal' | 'fan_goal_each'> & { tiers: readonly { id: string; name: string }[] };

export function computeFigures(data: FanData, site: FiguresSite): Figures {
  const { now } = data;
  const tierOrder = new Map(site.tiers.map((t, i) => [t.id, i]));
  const tierName = (id: string) => site.tiers.find((t) => t.id === id)?.name ?? id;
  const rank = (tier: string | null) => (tier === null ? -1 : (tierOrder.get(tier) ?? -0.5));
  const prices = new Map(data.prices.map((p) => [p.id, p]));

  // People: customers grouped by email, ignoring case.
  const keyOf = new Map<string, string>();
  const people = new Map<string, Person>();
  for (const c of data.customers) {
    const key = c.email ? c.email.trim().toLowerCase() : c.id;
    keyOf.set(c.id, key);
    let person = people.get(key);
    if (!person) {
      person = { key, customers: [], email: c.email, name: null, country: null, wallName: null, follower: false, tier: null, status: 'none', fanSince: null, totalPaid: 0, purchases: 0 };
      people.set(key, person);
    }
    person.customers.push(c);
    // The newest customer's details win: the list is newest first, so the first seen is kept.
    person.name ??= c.name;
    person.country ??= c.country;
    person.wallName ??= c.wallName;
    person.follower ||= c.follower;
  }
  const personOf = (customer: string | null): Person | undefined => (customer ? people.get(keyOf.get(customer) ?? customer) : undefined);

  const started = data.subscriptions.filter((s) => !NEVER_STARTED.has(s.status));
  const subs = started.filter((s) => !s.gift);
  const giftSubs = started.filter((s) => s.gift);
  const subById = new Map(subs.map((s) => [s.id, s]));
  const stayOf = (s: FanSubscription): Stay => ({ start: s.start, end: s.endedAt ?? (FAN_STATUSES.has(s.status) ? null : now) });

  // Each subscription's paid invoices, oldest first, for its tier and price over time.
  const invoicesOf = new Map<string, { at: number; price: FanPrice | undefined }[]>();
  const membershipInvoices = data.invoices.filter((i) => i.subscription && subById.has(i.subscription));
  for (const i of membershipInvoices) {
    const list = invoicesOf.get(i.subscription!) ?? [];
    list.push({ at: i.paidAt, price: i.price ? prices.get(i.price) : undefined });
    invoicesOf.set(i.subscription!, list);
  }
  for (const list of invoicesOf.values()) list.sort((a, b) => a.at - b.at);
  const priceAt = (s: FanSubscription, t: number): FanPrice => {
    let found: FanPrice | undefined;
    for (const inv of invoicesOf.get(s.id) ?? []) {
      if (inv.at > t) break;
      if (inv.price?.tier) found = inv.price;
    }
    return found ?? s.price;
  };
  const inTrialAt = (s: FanSubscription, t: number) => s.trialStart !== null && s.trialEnd !== null && s.trialStart <= t && t < s.trialEnd;

  // Stays per person.
  const staysOf = new Map<string, Stay[]>();
  const subsOf = new Map<string, FanSubscription[]>();
  for (const s of subs) {
    const key = keyOf.get(s.customer) ?? s.customer;
    if (!people.has(key)) people.set(key, { key, customers: [], email: null, name: null, country: null, wallName: null, follower: false, tier: null, status: 'none', fanSince: null, totalPaid: 0, purchases: 0 });
    staysOf.set(key, [...(staysOf.get(key) ?? []), stayOf(s)]);
    subsOf.set(key, [...(subsOf.get(key) ?? []), s]);
  }
  const merged = new Map([...staysOf].map(([key, stays]) => [key, merge(stays)]));
  const fansAt = (t: number) => [...merged.values()].filter((stays) => stays.some((s) => within(s, t))).length;

  // Each person's tier and status now.
  for (const [key, list] of subsOf) {
    const person = people.get(key)!;
    const live = list.filter((s) => FAN_STATUSES.has(s.status) && s.endedAt === null);
    const pick = (xs: FanSubscription[]) => xs.reduce((best, s) => (rank(s.price.tier) > rank(best.price.tier) ? s : best));
    if (live.length) {
      const top = pick(live);
      person.tier = top.price.tier;
      // One past-due subscription puts the fan at risk even beside a healthy one.
      person.status = live.some((s) => s.status === 'past_due') ? 'past_due' : top.status;
      const stays = merged.get(key)!;
      person.fanSince = stays.find((s) => within(s, now))?.start ?? stays[stays.length - 1]!.start;
    } else {
      const last = list.reduce((a, b) => ((a.endedAt ?? now) >= (b.endedAt ?? now) ? a : b));
      person.tier = last.price.tier;
      person.status = 'canceled';
      person.fanSince = merged.get(key)![0]!.start;
    }
  }

  // A person with no fan subscription of their own who holds a live gift reads on it: counted apart.
  for (const s of giftSubs) {
    if (!FAN_STATUSES.has(s.status) || s.endedAt !== null) continue;
    const key = keyOf.get(s.customer) ?? s.customer;
    const person = people.get(key);
    if (!person || (person.status !== 'none' && person.status !== 'gift' && person.status !== 'canceled')) continue;
    if (person.status === 'gift' && rank(person.tier) >= rank(s.price.tier)) continue;
    person.status = 'gift';
    person.tier = s.price.tier;
    person.fanSince = s.start;
  }

  // Money per person and per month.
  const months = new Map<string, { memberships: number; purchases: number; tips: number }>();
  const add = (t: number, kind: 'memberships' | 'purchases' | 'tips', amount: number) => {
    const m = monthOf(t);
    const row = months.get(m) ?? { memberships: 0, purchases: 0, tips: 0 };
    row[kind] += amount;
    months.set(m, row);
  };
  for (const i of membershipInvoices) {
    add(i.paidAt, 'memberships', i.amountPaid);
    const p = personOf(i.customer);
    if (p) p.totalPaid += i.amountPaid;
  }
  const oneTime = data.checkouts.filter((c) => c.kind !== 'tier' && c.paid);
  const byIntent = new Map<string, FanCheckout>();
  for (const c of oneTime) {
    add(c.created, saleKind(c), c.amount);
    if (c.paymentIntent) byIntent.set(c.paymentIntent, c);
    const p = personOf(c.customer) ?? (c.email ? people.get(c.email.trim().toLowerCase()) : undefined);
    if (p) {
      p.totalPaid += c.amount;
      p.purchases += 1;
    }
  }
  // A refund comes off the month it was made in, from what it refunded: a purchase or tip by its payment
  // intent; anything else in the account's refunds is taken to be a membership's.
  let refunded = 0;
  for (const r of data.refunds) {
    const c = r.paymentIntent ? byIntent.get(r.paymentIntent) : undefined;
    add(r.created, c ? saleKind(c) : 'memberships', -r.amount);
    refunded += r.amount;
    const p = c ? (personOf(c.customer) ?? (c.email ? people.get(c.email.trim().toLowerCase()) : undefined)) : undefined;
    if (p) p.totalPaid -= r.amount;
  }

  // The months the charts cover: from the first thing that happened to now.
  const firsts = [...subs.map((s) => s.start), ...oneTime.map((c) => c.created), ...data.refunds.map((r) => r.created)];
  const first = firsts.length ? monthOf(Math.min(...firsts)) : monthOf(now);
  const allMonths = monthsBetween(first, monthOf(now));

  const monthFigures = (month: string): MonthFigures => {
    const from = monthStart(month);
    const to = Math.min(monthStart(nextMonth(month)), now + 1);
    let newFans = 0;
    let lostFans = 0;
    for (const stays of merged.values()) {
      for (const s of stays) {
        if (s.start >= from && s.start < to) newFans += 1;
        if (s.end !== null && s.end >= from && s.end < to) lostFans += 1;
      }
    }
    const startFans = fansAt(from - 1) ;
    return { month, newFans, lostFans, startFans, churn: startFans ? lostFans / startFans : null };
  };

  const current = [...people.values()].filter((p) => FAN_STATUSES.has(p.status));
  const liveSubs = subs.filter((s) => FAN_STATUSES.has(s.status) && s.endedAt === null);
  const mrrAt = (t: number, live: (s: FanSubscription) => boolean) =>
    Math.round(subs.filter((s) => live(s) && !inTrialAt(s, t)).reduce((sum, s) => sum + monthlyAmount(priceAt(s, t), s.quantity), 0));
  const mrr = Math.round(liveSubs.filter((s) => s.status !== 'trialing').reduce((sum, s) => sum + monthlyAmount(s.price, s.quantity), 0));

  const fansByTier = [...site.tiers.map((t) => t.id), ...new Set(current.map((p) => p.tier!).filter((t) => !tierOrder.has(t)))].map((tier) => ({
    tier,
    name: tierName(tier),
    fans: current.filter((p) => p.tier === tier).length,
  }));

  // Month-end points (now, for this month).
  const pointOf = (month: string) => Math.min(monthStart(nextMonth(month)) - 1, now);
  const fansOverTime = allMonths.flatMap((month) => {
    const t = pointOf(month);
    const counts = new Map<string, number>();
    for (const [key, list] of subsOf) {
      if (!merged.get(key)!.some((s) => within(s, t))) continue;
      const tiers = list.filter((s) => within(stayOf(s), t)).map((s) => priceAt(s, t).tier);
      const top = tiers.reduce((a, b) => (rank(b) > rank(a) ? b : a), tiers[0] ?? null);
      if (top) counts.set(top, (counts.get(top) ?? 0) + 1);
    }
    return fansByTier.map(({ tier }) => ({ month, tier, fans: counts.get(tier) ?? 0 }));
  });
  const recurringRevenue = allMonths.map((month) => {
    const t = pointOf(month);
    return { month, mrr: mrrAt(t, (s) => within(stayOf(s), t)) };
  });
  const revenueByMonth = allMonths.flatMap((month) => {
    const row = months.get(month) ?? { memberships: 0, purchases: 0, tips: 0 };
    return (['memberships', 'purchases', 'tips'] as const).map((kind) => ({ month, kind, amount: row[kind] }));
  });
  const churnByMonth = allMonths.map(monthFigures);

  // Why fans left: every subscription that ended or will end at its period's end (not one that never started).
  const leaving = subs.filter((s) => s.endedAt !== null || s.cancelAtPeriodEnd || s.cancelAt !== null || s.status === 'canceled');
  const reasons = new Map<string, number>();
  for (const s of leaving) reasons.set(reasonOf(s), (reasons.get(reasonOf(s)) ?? 0) + 1);
  const cancellationReasons = [...reasons].map(([reason, fans]) => ({ reason, fans })).sort((a, b) => b.fans - a.fans || a.reason.localeCompare(b.reason));
  const comments = leaving
    .filter((s) => s.cancellation.comment?.trim())
    .map((s) => ({ email: personOf(s.customer)?.email ?? null, tier: s.price.tier, feedback: reasonOf(s), comment: s.cancellation.comment!.trim(), at: s.endedAt ?? s.cancelAt ?? now }))
    .sort((a, b) => b.at - a.at);

  // How long fans stayed: current fans so far, former fans in all.
  const tenure = TENURE_BUCKETS.map((b) => ({ stayed: b.label, current: 0, former: 0 }));
  for (const [key, stays] of merged) {
    const person = people.get(key)!;
    const isFan = FAN_STATUSES.has(person.status);
    const months = stays.reduce((sum, s) => sum + wholeMonths(s.start, s.end ?? now), 0);
    const bucket = TENURE_BUCKETS.findIndex((b) => months < b.below);
    tenure[bucket]![isFan ? 'current' : 'former'] += 1;
  }

  const trialSubs = subs.filter((s) => s.trialStart !== null && s.trialEnd !== null);
  const trials = {
    started: trialSubs.length,
    converted: trialSubs.filter((s) => s.trialEnd! <= now && (s.endedAt === null || s.endedAt > s.trialEnd!)).length,
    inTrial: trialSubs.filter((s) => s.trialEnd! > now && s.endedAt === null).length,
    notConverted: trialSubs.filter((s) => s.endedAt !== null && s.endedAt <= s.trialEnd!).length,
  };

  // The page a join or a purchase started from.
  const posts = new Map<string, { joins: number; purchases: number }>();
  for (const c of data.checkouts) {
    if (!c.returnPath || (c.kind !== 'tier' && !c.paid)) continue;
    const row = posts.get(c.returnPath) ?? { joins: 0, purchases: 0 };
    if (c.kind === 'tier') row.joins += 1;
    else row.purchases += 1;
    posts.set(c.returnPath, row);
  }

  const everyone = [...people.values()].filter((p) => p.status !== 'none' || p.follower || p.purchases > 0);
  const bySince = [...current].sort((a, b) => b.fanSince! - a.fanSince! || a.key.localeCompare(b.key));
  const yearlyGoal = toMinorUnits(site.fan_goal * site.fan_goal_each, site.currency);
  return {
    currency: site.currency,
    now,
    fans: current.length,
    fansByTier,
    followers: [...people.values()].filter((p) => p.follower).length,
    mrr,
    arr: mrr * 12,
    thisMonth: monthFigures(monthOf(now)),
    lastMonth: monthFigures(monthOf(monthStart(monthOf(now)) - 1)),
    trials,
    gifts: { bought: data.checkouts.filter((c) => c.kind === 'membership-gift' && c.paid).length, reading: [...people.values()].filter((p) => p.status === 'gift').length },
    atRisk: current.filter((p) => p.status === 'past_due').length,
    goal: { fans: current.length, fanGoal: site.fan_goal, yearly: mrr * 12, yearlyGoal },
    refunds: refunded,
    charts: { fansOverTime, recurringRevenue, revenueByMonth, churnByMonth, cancellationReasons, tenure },
    comments,
    tables: {
      newest: bySince.slice(0, 10),
      longestStanding: [...bySince].reverse().slice(0, 10),
      atRisk: current.filter((p) => p.status === 'past_due').sort((a, b) => a.fanSince! - b.fanSince!),
      biggestSupporters: [...everyone].filter((p) => p.totalPaid > 0).sort((a, b) => b.totalPaid - a.totalPaid || a.key.localeCompare(b.key)).slice(0, 10),
      posts: [...posts].map(([path, row]) => ({ path, ...row })).sort((a, b) => b.joins + b.purchases - (a.joins + a.purchases) || a.path.localeCompare(b.path)),
    },
    people: everyone.sort((a, b) => (a.fanSince ?? Infinity) - (b.fanSince ?? Infinity) || a.key.localeCompare(b.key)),
  };
}
