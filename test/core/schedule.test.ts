// The one publishing rule every output shares, and the build's injectable clock.

import { describe, expect, it } from 'vitest';
import { buildNow } from '../../src/config/clock.ts';
import { isPublishedAt } from '../../src/core/schedule.ts';

describe('isPublishedAt', () => {
  const tuesday = new Date('2026-12-08T00:00:00Z');
  it('publishes from the post date on, never a moment before', () => {
    expect(isPublishedAt(tuesday, tuesday.getTime() - 1)).toBe(false);
    expect(isPublishedAt(tuesday, tuesday.getTime())).toBe(true);
    expect(isPublishedAt('2026-12-08T00:00:00.000Z', tuesday.getTime() + 1)).toBe(true);
  });
  it('never publishes an unreadable date', () => {
    expect(isPublishedAt('next tuesday', Date.UTC(2100, 0, 1))).toBe(false);
    expect(isPublishedAt(new Date(Number.NaN), Date.UTC(2100, 0, 1))).toBe(false);
  });
});

describe('the build clock', () => {
  it('is the real clock unless TRUEFANS_NOW is set', () => {
    expect(buildNow({}, () => 42)).toBe(42);
    expect(buildNow({ TRUEFANS_NOW: ' ' }, () => 42)).toBe(42);
  });
  it('takes a bare date as midnight UTC, as a post date is, and a date-time as written', () => {
    expect(buildNow({ TRUEFANS_NOW: '2026-12-08' })).toBe(Date.UTC(2026, 11, 8));
    expect(buildNow({ TRUEFANS_NOW: '2026-12-08T09:30:00+02:00' })).toBe(Date.UTC(2026, 11, 8, 7, 30));
  });
  it('refuses anything else with the variable, the value and the fix', () => {
    expect(() => buildNow({ TRUEFANS_NOW: 'next tuesday' })).toThrow('TRUEFANS_NOW is "next tuesday", which is not a date.');
    expect(() => buildNow({ TRUEFANS_NOW: '2026-13-45' })).toThrow(/not a date/);
  });
});
