// The build's clock: now, or TRUEFANS_NOW (a date or date-time) to build the site as it will be on that
// day (a preview of scheduled posts, and frozen clocks in tests). Read once per build so every page agrees.

import { TruefansError, Errors } from '../core/errors.ts';

const FORM = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function buildNow(env: Record<string, string | undefined> = process.env, realNow = Date.now): number {
  const raw = env.TRUEFANS_NOW?.trim();
  if (!raw) return realNow();
  // A bare date is midnight UTC, as a post's `date` is.
  const at = FORM.test(raw) ? Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : raw) : Number.NaN;
  if (!Number.isFinite(at)) throw new TruefansError(Errors.ClockInvalid, { value: raw.slice(0, 40) });
  return at;
}
