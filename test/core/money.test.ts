// The one currency module: decimals per currency, Stripe's minimum charges, conversions both ways and
// display, so the page shows exactly what Stripe charges.
import { describe, expect, it } from 'vitest';
import { chargeableDecimals, formatMajor, formatMinor, formatMoney, minimumCharge, parseMajorUnits, priceProblem, toMinorUnits } from '../../src/core/money.ts';

describe('currency rules', () => {
  it('converts major units to minor units for two-, zero- and three-decimal currencies', () => {
    expect(toMinorUnits(7, 'usd')).toBe(700);
    expect(toMinorUnits(6.5, 'EUR')).toBe(650);
    expect(toMinorUnits(500, 'jpy')).toBe(500);
    expect(toMinorUnits(5.25, 'kwd')).toBe(5250);
    expect(toMinorUnits(1.1, 'usd')).toBe(110);
    expect(chargeableDecimals('jpy')).toBe(0);
    expect(chargeableDecimals('isk')).toBe(0);
    expect(chargeableDecimals('bhd')).toBe(2);
  });

  it("knows Stripe's minimum charges", () => {
    expect(minimumCharge('usd')).toBe(50);
    expect(minimumCharge('JPY')).toBe(50);
    expect(minimumCharge('hkd')).toBe(400);
    expect(minimumCharge('huf')).toBe(17_500);
    expect(minimumCharge('gbp')).toBe(30);
    expect(minimumCharge('kwd')).toBeUndefined();
  });

  it('parses what a fan types only when Stripe can charge it exactly', () => {
    expect(parseMajorUnits('7.5', 'usd')).toBe(750);
    expect(parseMajorUnits('7,50', 'eur')).toBe(750);
    expect(parseMajorUnits('7.505', 'usd')).toBeUndefined();
    expect(parseMajorUnits('500', 'jpy')).toBe(500);
    expect(parseMajorUnits('500.5', 'jpy')).toBeUndefined();
    expect(parseMajorUnits('500.0', 'jpy')).toBe(500);
    expect(parseMajorUnits('5.25', 'kwd')).toBe(5250);
    expect(parseMajorUnits('5.255', 'kwd')).toBeUndefined();
    expect(parseMajorUnits('1000', 'isk')).toBe(100_000);
    expect(parseMajorUnits('five', 'usd')).toBeUndefined();
  });

  it('shows amounts as they will be charged', () => {
    expect(formatMajor(7, 'usd')).toBe('$7');
    expect(formatMajor(6.5, 'usd')).toBe('$6.50');
    expect(formatMajor(500, 'jpy')).toBe('¥500');
    expect(formatMinor(7000, 'usd')).toBe('$70.00');
    expect(formatMinor(500, 'jpy')).toBe('¥500');
    expect(formatMinor(5250, 'kwd')).toBe('KWD\u00a05.250');
    expect(formatMoney(700, 'usd')).toBe('7.00 USD');
    expect(formatMoney(700, 'jpy')).toBe('700 JPY');
    expect(formatMoney(5250, 'kwd')).toBe('5.250 KWD');
  });

  it('names what is wrong with a price, and nothing for a good one', () => {
    expect(priceProblem(7, 'usd')).toBeUndefined();
    expect(priceProblem(0.5, 'usd')).toBeUndefined();
    expect(priceProblem(0.49, 'usd')).toContain("Stripe's minimum charge in USD");
    expect(priceProblem(500.5, 'jpy')).toContain('without decimals');
    expect(priceProblem(1, 'kwd')).toBeUndefined();
  });
});
