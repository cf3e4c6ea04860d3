// Amounts as people read them on the stand-in's pages ("$70.00/year", "7 days free, then $70.00/year").
// Currency rules (decimals, minor units, minimum charges) come from the site's own currency module, so
// the stand-in and truefans can never disagree about what an amount means.
import { formatMinor, parseMajorUnits } from '../../src/core/money.ts';

// Amounts in minor units read as the site's own pages show them ("$70.00"): the core's formatter.
export { formatMinor };

/** Parses what a person types in an amount field ("12", "12.5", "$12.50") into minor units. */
export function parseMoney(text: string, currency: string): number | undefined {
  return parseMajorUnits(text.replace(/[\s$€£,]/g, ''), currency);
}

export interface Recurring {
  interval: string;
  interval_count: number;
}

export function formatInterval(recurring: Recurring): string {
  const count = recurring.interval_count;
  return count === 1 ? `/${recurring.interval}` : ` every ${count} ${recurring.interval}s`;
}

export function formatPrice(amount: number, currency: string, recurring: Recurring | null): string {
  return formatMinor(amount, currency) + (recurring ? formatInterval(recurring) : '');
}

export function formatTrial(days: number): string {
  return days === 1 ? '1 day free' : `${days} days free`;
}

/** Adds whole intervals in UTC; month ends clamp (Jan 31 + 1 month = Feb 28/29), as Stripe's billing does. */
export function addInterval(startSec: number, recurring: Recurring, times = 1): number {
  const date = new Date(startSec * 1000);
  const count = recurring.interval_count * times;
  switch (recurring.interval) {
    case 'day':
      return startSec + count * 86_400;
    case 'week':
      return startSec + count * 7 * 86_400;
    case 'month':
    case 'year': {
      const months = recurring.interval === 'year' ? count * 12 : count;
      const day = date.getUTCDate();
      const target = new Date(date.getTime());
      target.setUTCDate(1);
      target.setUTCMonth(target.getUTCMonth() + months);
      const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
      target.setUTCDate(Math.min(day, lastDay));
      return Math.floor(target.getTime() / 1000);
    }
    default:
      throw new Error(`Unknown interval ${recurring.interval}`);
  }
}

export function formatDate(sec: number): string {
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(sec * 1000));
}

/** For currencies Stripe's table does not list, its minimum is about 0.50 USD; the stand-in assumes 50 minor units. */
export const MINIMUM_CHARGE = 50;
