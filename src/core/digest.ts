// The weekly digest's figures and its email: a pure function of the site's subscriptions (the Billing
// port's digestSubscriptions) over one week. The definitions follow the dashboard (src/fans/figures.ts):
// a fan holds a tier subscription that is active, trialing or past due; recurring revenue counts no trial
// and takes no discount off (yearly prices as they are, monthly ones times 12). The edge has no email
// grouping of customers, so here a fan is a Stripe customer.

import type { DigestSubscription } from './billing.ts';
import { message, type SiteInfo } from './email/messages.ts';
import { fromMinorUnits, toMinorUnits } from './money.ts';
import type { EmailMessage } from './ports.ts';

const FAN_STATUSES = new Set(['active', 'trialing', 'past_due']);
export const WEEK_SECONDS = 7 * 86_400;

export interface DigestFigures {
  /** Unix seconds: the week counted is [since, until). */
  since: number;
  until: number;
  fans: number;
  atLeast: boolean;
  newFans: number;
  lostFans: number;
  /** Recurring revenue a year, minor units. */
  yearly: number;
}

/** The ISO week (UTC) a moment falls in, "2026-W14": the once-only mark's value. */
export function isoWeek(seconds: number): string {
  const d = new Date(Math.floor(seconds / 86_400) * 86_400_000);
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day); // the Thursday of this week names its year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export function digestFigures(subs: { current: readonly DigestSubscription[]; ended: readonly DigestSubscription[]; atLeast: boolean }, until: number): DigestFigures {
  const since = until - WEEK_SECONDS;
  const live = subs.current.filter((s) => FAN_STATUSES.has(s.status) && s.startDate < until);
  const fans = new Set(live.map((s) => s.customer));
  const inWeek = (t: number | undefined) => t !== undefined && t >= since && t < until;
  // A fan who joined again after leaving (a new subscription) is neither new nor lost unless they were away.
  const before = new Set([...subs.current, ...subs.ended].filter((s) => s.startDate < since && (s.endedAt === undefined || s.endedAt >= since)).map((s) => s.customer));
  const joined = new Set([...live, ...subs.ended].filter((s) => inWeek(s.startDate) && !before.has(s.customer)).map((s) => s.customer));
  const lost = new Set(subs.ended.filter((s) => inWeek(s.endedAt) && !fans.has(s.customer) && !joined.has(s.customer)).map((s) => s.customer));
  let yearly = 0;
  for (const s of live) {
    if (s.status === 'trialing' || (s.trialEnd !== undefined && s.trialEnd > until)) continue;
    yearly += s.interval === 'month' ? s.amount * 12 : s.interval === 'year' ? s.amount : 0;
  }
  return { since, until, fans: fans.size, atLeast: subs.atLeast, newFans: joined.size, lostFans: lost.size, yearly };
}

export interface DigestSite extends SiteInfo {
  currency: string;
  language: string;
  fanGoal: number;
  /** A year each, major units. */
  fanGoalEach: number;
}

export function digestEmail(site: DigestSite, to: string, f: DigestFigures): EmailMessage {
  const n = (v: number) => new Intl.NumberFormat(site.language).format(v);
  const money = (minor: number) => new Intl.NumberFormat(site.language, { style: 'currency', currency: site.currency.toUpperCase(), maximumFractionDigits: 0 }).format(fromMinorUnits(minor, site.currency));
  const day = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);
  const fans = `${f.atLeast ? 'more than ' : ''}${n(f.fans)}`;
  const yearlyGoal = toMinorUnits(site.fanGoal * site.fanGoalEach, site.currency);
  const plural = (k: number, one: string, many: string) => `${n(k)} ${k === 1 ? one : many}`;
  return message('weekly-digest', to, `${site.title}: ${plural(f.newFans, 'new fan', 'new fans')}, ${n(f.lostFans)} lost this week`, site, [
    `Your week on ${site.title}, ${day(f.since)} to ${day(f.until - 1)}:`,
    `New true fans: ${n(f.newFans)}\nFans who left: ${n(f.lostFans)}\nRecurring revenue: ${money(f.yearly)} a year`,
    `The goal: ${fans} of ${n(site.fanGoal)} true fans; ${money(f.yearly)} of ${money(yearlyGoal)} a year.`,
    'npm run fans shows every figure, and who these fans are.',
  ]);
}
