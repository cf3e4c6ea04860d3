// The access ladder: public < members < tiers in the site's order < one-time purchases, and the
// lowest and highest of a page's gates, which pick what its paywall offers.

import { describe, expect, it } from 'vitest';
import { accessRank, canAccess, highestAccess, lowestAccess } from '../../src/core/access.ts';

const TIERS = ['supporter', 'patron'];

describe('accessRank', () => {
  it('ranks public, members, the tiers in order, then offers', () => {
    const ranks = ['public', 'members', 'supporter', 'patron', 'offer:stems'].map((a) => accessRank(a, TIERS));
    expect(ranks).toEqual([-2, -1, 0, 1, 2]);
  });

  it('ranks a tier the site does not have below every tier', () => {
    expect(accessRank('gold', TIERS)).toBe(-1);
  });
});

describe('lowestAccess and highestAccess', () => {
  it('pick the lowest and the highest of a page’s gates', () => {
    expect(lowestAccess(['patron', 'members', 'supporter'], TIERS)).toBe('members');
    expect(highestAccess(['patron', 'members', 'supporter'], TIERS)).toBe('patron');
    expect(lowestAccess(['patron', 'supporter'], TIERS)).toBe('supporter');
    expect(highestAccess(['supporter'], TIERS)).toBe('supporter');
  });

  it('fall back to members when there are no gates', () => {
    expect(lowestAccess([], TIERS)).toBe('members');
    expect(highestAccess([], TIERS)).toBe('members');
  });

  it('take the tier order from the parameter, not from any one site', () => {
    expect(highestAccess(['supporter', 'patron'], ['patron', 'supporter'])).toBe('supporter');
  });
});

describe('canAccess', () => {
  it('opens a tier and everything below it, and never a tier the site does not have', () => {
    const patron = { tiers: ['patron'], offers: [] };
    expect(['public', 'members', 'supporter', 'patron'].map((a) => canAccess(a, patron, TIERS))).toEqual([true, true, true, true]);
    const supporter = { tiers: ['supporter'], offers: [] };
    expect(canAccess('patron', supporter, TIERS)).toBe(false);
    expect(canAccess('gold', patron, TIERS)).toBe(false);
    expect(canAccess('offer:stems', patron, TIERS)).toBe(false);
    expect(canAccess('offer:stems', { tiers: [], offers: ['stems'] }, TIERS)).toBe(true);
  });
});
