// When the weekly digest goes out: site.yaml's `weekly_digest_at` ("monday 08:00", UTC), the one schedule
// every scheduler is given: a cron expression for Cloudflare, Netlify and Vercel, a due time for the Node timer.

export const DEFAULT_DIGEST_AT = 'monday 08:00';
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const DIGEST_AT = new RegExp(`^(${WEEKDAYS.join('|')}) ([01]\\d|2[0-3]):([0-5]\\d)$`);

export interface DigestAt {
  /** ISO weekday: 1 is Monday, 7 is Sunday. */
  weekday: number;
  hour: number;
  minute: number;
}

/** The schedule in site.yaml's words (validated by the site schema; a stale manifest falls back to the default). */
export function parseDigestAt(text: string | undefined): DigestAt {
  const m = DIGEST_AT.exec((text ?? DEFAULT_DIGEST_AT).trim().toLowerCase()) ?? DIGEST_AT.exec(DEFAULT_DIGEST_AT)!;
  return { weekday: WEEKDAYS.indexOf(m[1] as (typeof WEEKDAYS)[number]) + 1, hour: Number(m[2]), minute: Number(m[3]) };
}

/** Five-field cron in UTC, as Cloudflare Cron Triggers, Netlify Scheduled Functions and Vercel Cron Jobs read it (day of week 0 is Sunday). */
export function digestCron(at: DigestAt): string {
  return `${at.minute} ${at.hour} * * ${at.weekday % 7}`;
}

/** The moment (ms) the digest is due in the ISO week (Monday 00:00 UTC onward) that holds `nowMs`. */
export function dueThisWeek(at: DigestAt, nowMs: number): number {
  const day = new Date(nowMs);
  const monday = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()) - ((day.getUTCDay() || 7) - 1) * 86_400_000;
  return monday + ((at.weekday - 1) * 24 + at.hour) * 3_600_000 + at.minute * 60_000;
}
