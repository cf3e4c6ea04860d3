// Gift memberships, the pure rules: which durations a site offers, what each costs, when a redeemed gift
// ends, and the marks a gift's paid Checkout Session carries (Stripe is the record: invariant 8).

import type { ManifestHead } from '../manifest.ts';

/** `truefans_kind` of a gift's checkout (not `gift`, which is pay-what-you-want's). */
export const GIFT_KIND = 'membership-gift';

/**
 * The gift's metadata on its Checkout Session. Stripe: at most 50 keys, keys up to 40 characters, values
 * up to 500 (docs.stripe.com/metadata), hence the caps on the message and names below.
 */
export const GIFT_META = {
  tier: 'truefans_gift_tier',
  months: 'truefans_gift_months',
  message: 'truefans_gift_message',
  to: 'truefans_gift_to',
  from: 'truefans_gift_from',
  /** Email the redemption link to the recipient at this address on `deliverOn` (YYYY-MM-DD, UTC). */
  deliverTo: 'truefans_gift_deliver_to',
  deliverOn: 'truefans_gift_deliver_on',
  /** Seconds: when the recipient's email went out. */
  delivered: 'truefans_gift_delivered',
  /** `<customer> <seconds>`: who started redeeming, written before the subscription is made. */
  claim: 'truefans_gift_claim',
  /** `<subscription> <customer> <seconds>`: the redemption, once made. */
  redeemed: 'truefans_gift_redeemed',
} as const;

/** On the recipient's subscription: the session it came from. */
export const GIFT_SUBSCRIPTION_MARK = 'truefans_gift';

export const MESSAGE_MAX = 480;
export const NAME_MAX = 80;
/** A gift can be redeemed within this long of being bought. */
export const REDEEM_WITHIN_SECONDS = 365 * 86400;

/** The durations (months) a gift can be bought for: 1 month and 1 year, plus site.yaml's `gifts.months`. */
export function giftMonths(setting: boolean | { months: readonly number[] }): number[] {
  const extra = typeof setting === 'object' ? setting.months : [];
  return [...new Set([1, 12, ...extra])].sort((a, b) => a - b);
}

type Tier = ManifestHead['tiers'][number];

/** Minor units: whole years at the yearly price where the tier has one, else months at the monthly price. */
export function giftAmount(tier: Tier, months: number): number | undefined {
  if (months % 12 === 0 && tier.yearly !== undefined) return (tier.yearly * months) / 12;
  if (tier.monthly !== undefined) return tier.monthly * months;
  return undefined;
}

/** Seconds: `months` calendar months after `fromSeconds` (UTC; the 31st of a short month is its last day). */
export function giftEnd(fromSeconds: number, months: number): number {
  const from = new Date(fromSeconds * 1000);
  const target = new Date(from);
  target.setUTCDate(1);
  target.setUTCMonth(from.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(from.getUTCDate(), lastDay));
  return Math.floor(target.getTime() / 1000);
}

export function durationText(months: number): string {
  if (months % 12 === 0) return months === 12 ? '1 year' : `${months / 12} years`;
  return months === 1 ? '1 month' : `${months} months`;
}

export interface Redemption {
  subscription: string;
  customer: string;
  /** Seconds. */
  at: number;
}

export function readRedemption(value: string | undefined): Redemption | undefined {
  const m = /^(sub_[A-Za-z0-9_]+) (cus_[A-Za-z0-9_]+) (\d+)$/.exec(value ?? '');
  return m ? { subscription: m[1]!, customer: m[2]!, at: Number(m[3]) } : undefined;
}

export function readClaim(value: string | undefined): { customer: string; at: number } | undefined {
  const m = /^(cus_[A-Za-z0-9_]+) (\d+)$/.exec(value ?? '');
  return m ? { customer: m[1]!, at: Number(m[2]) } : undefined;
}

/** Text a fan typed, made safe to keep: no control characters (so no CR/LF anywhere it travels), trimmed, capped. */
export function cleanText(value: string | undefined, max: number): string {
  return (value ?? '').replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, ' ').trim().slice(0, max);
}

/** A one-line name: no line breaks at all. */
export function cleanName(value: string | undefined, max = NAME_MAX): string {
  return cleanText(value, max * 2).replace(/\s+/g, ' ').slice(0, max).trim();
}

/**
 * When the platform schedulers deliver gifts: daily at 00:05 UTC, so a gift goes out early on its day (the
 * day a buyer picks is a UTC date). Every scheduler truefans writes runs on UTC.
 */
export const GIFT_DELIVERY_CRON = '5 0 * * *';
