// The one rule for which tier a subscription item stands for (src/core/holdings.ts), and site.yaml's
// `tiers[].also` as a creator writes it, with the wording of its mistakes.

import { describe, expect, it } from 'vitest';
import { legacyTiersOf, tierOfSubscriptionItem } from '../../src/core/holdings.ts';
import { ContentError, parseSite } from '../../src/config/parse.ts';

const also = legacyTiersOf([
  { id: 'supporter', also: ['price_1GhostSilverMonthly'] },
  { id: 'patron', also: ['prod_GhostGold', 'plan_substackFounding'] },
]);

describe('tierOfSubscriptionItem', () => {
  it("takes truefans' own mark first, then the price id, then the product id", () => {
    expect(tierOfSubscriptionItem({ ownMark: 'supporter', price: 'price_x', product: 'prod_GhostGold' }, also)).toBe('supporter');
    expect(tierOfSubscriptionItem({ ownMark: undefined, price: 'price_1GhostSilverMonthly', product: 'prod_GhostGold' }, also)).toBe('supporter');
    expect(tierOfSubscriptionItem({ ownMark: undefined, price: 'price_other', product: 'prod_GhostGold' }, also)).toBe('patron');
    expect(tierOfSubscriptionItem({ ownMark: undefined, price: 'plan_substackFounding', product: 'prod_s' }, also)).toBe('patron');
  });
  it('counts nothing else, and no inherited key', () => {
    expect(tierOfSubscriptionItem({ ownMark: undefined, price: 'price_other', product: 'prod_other' }, also)).toBeUndefined();
    expect(tierOfSubscriptionItem({ ownMark: undefined, price: 'price_1GhostSilverMonthly', product: undefined }, undefined)).toBeUndefined();
    expect(tierOfSubscriptionItem({ ownMark: undefined, price: 'constructor', product: 'toString' }, also)).toBeUndefined();
  });
});

const SITE = `title: Mira
url: https://mira.example
author: { name: Mira }
tiers:
  - { id: supporter, name: Supporter, monthly: 5, also: ALSO1 }
  - { id: patron, name: Patron, monthly: 15, also: ALSO2 }
`;
const site = (a: string, b = '[]') => SITE.replace('ALSO1', a).replace('ALSO2', b);
function problems(yaml: string): string[] {
  try {
    parseSite(yaml);
  } catch (error) {
    if (error instanceof ContentError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('site.yaml tiers[].also', () => {
  it('takes product, price and plan ids, and defaults to none', () => {
    const parsed = parseSite(site('[price_1Mo2p3q4, prod_N1a2b3c4]', '[plan_founding]'));
    expect(parsed.tiers.map((t) => t.also)).toEqual([['price_1Mo2p3q4', 'prod_N1a2b3c4'], ['plan_founding']]);
    expect(parseSite(SITE.replace(', also: ALSO1', '').replace(', also: ALSO2', '')).tiers[0]!.also).toEqual([]);
  });
  it('names the field and the fix for an id of the wrong shape', () => {
    expect(problems(site('[gold-monthly]'))).toEqual([
      'content/site.yaml: tiers[0].also[0]: expected a Stripe product id (prod_...) or price id (price_... or plan_...), copied from the Stripe Dashboard; `npm run stripe:sync` lists the prices no tier claims yet, got "gold-monthly"',
    ]);
    expect(problems(site('prod_abc'))[0]).toMatch(/^content\/site\.yaml: tiers\[0\]\.also: expected a list of Stripe product or price ids/);
  });
  it('refuses one id in two tiers', () => {
    expect(problems(site('[prod_Gold]', '[prod_Gold]'))).toEqual([
      'content/site.yaml: tiers[1].also[0]: "prod_Gold" already counts as tiers[0] (supporter); a Stripe product or price can count as one tier only',
    ]);
  });
});
