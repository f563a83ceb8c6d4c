import { describe, expect, it } from 'vitest';
import { parseDecimal } from '../../src/money/decimal.ts';
import { allocateProportionally, formatMinorUnits, parseMajorUnits, percentOf, scaleBy } from '../../src/money/money.ts';

const fivePercent = parseDecimal(5);

describe('percentOf rounds per policy in the currency minor unit', () => {
  it.each([
    // amount, currency, half-even, floor
    [2050n, 'USD', 102n, 102n], // 102.5 cents: half-even keeps the even 102
    [2070n, 'USD', 104n, 103n], // 103.5 cents: half-even goes to the even 104, floor to 103
    [30n, 'USD', 2n, 1n], // 1.5 cents
    [10n, 'USD', 0n, 0n], // 0.5 cents rounds to the even 0
    [3010n, 'JPY', 150n, 150n], // 150.5 yen
    [3030n, 'JPY', 152n, 151n], // 151.5 yen
    [12350n, 'KWD', 618n, 617n], // 617.5 fils
    [12370n, 'KWD', 618n, 618n], // 618.5 fils
  ] as const)('5%% of %s %s: half-even %s, floor %s', (amount, currency, halfEven, floor) => {
    expect(percentOf(amount, currency, fivePercent, 'half-even')).toBe(halfEven);
    expect(percentOf(amount, currency, fivePercent, 'floor')).toBe(floor);
  });

  it('reads fractional percents exactly, without binary floating point', () => {
    // 0.1 + 0.2 style errors would make 2.3% of 10000 come out as 229.99… → 229 with floor.
    expect(percentOf(10000n, 'USD', parseDecimal(2.3), 'floor')).toBe(230n);
    expect(percentOf(100n, 'JPY', parseDecimal(1.5), 'half-even')).toBe(2n);
  });
});

describe('scaleBy', () => {
  it('rounds half-even ties to the even neighbour and floor always down', () => {
    const tenth = parseDecimal('0.1');
    expect(scaleBy(25n, 'JPY', tenth, 'half-even')).toBe(2n);
    expect(scaleBy(35n, 'JPY', tenth, 'half-even')).toBe(4n);
    expect(scaleBy(19n, 'JPY', tenth, 'half-even')).toBe(2n);
    expect(scaleBy(19n, 'JPY', tenth, 'floor')).toBe(1n);
  });

  it('keeps an integer factor exact', () => {
    expect(scaleBy(12345n, 'KWD', parseDecimal(2), 'floor')).toBe(24690n);
  });
});

describe('parseMajorUnits', () => {
  it.each([
    ['20.00', 'USD', 2000n],
    ['20', 'USD', 2000n],
    ['0.5', 'USD', 50n],
    ['3000', 'JPY', 3000n],
    ['1.234', 'KWD', 1234n],
    ['1.2', 'KWD', 1200n],
    ['1000000', 'PTS', 1000000n],
  ] as const)('%s %s is %s minor units', (text, currency, minor) => {
    expect(parseMajorUnits(text, currency)).toBe(minor);
  });

  it.each([
    ['3000.5', 'JPY', 'JPY has no minor units; write "3000" without decimals'],
    ['20.001', 'USD', 'USD has 2 decimal places; "20.001" has 3'],
    ['1.2345', 'KWD', 'KWD has 3 decimal places; "1.2345" has 4'],
    ['-1', 'USD', '"-1" is not an amount; write digits with an optional decimal point, e.g. "20.00"'],
    ['1e3', 'USD', '"1e3" is not an amount'],
    ['.5', 'USD', '".5" is not an amount'],
    ['20.', 'USD', '"20." is not an amount'],
    ['20', 'XYZ', 'unknown currency "XYZ"'],
  ] as const)('refuses %s %s', (text, currency, message) => {
    expect(() => parseMajorUnits(text, currency)).toThrow(message);
  });
});

describe('formatMinorUnits', () => {
  it('writes the currency exponent', () => {
    expect(formatMinorUnits(1234n, 'USD')).toBe('12.34');
    expect(formatMinorUnits(5n, 'USD')).toBe('0.05');
    expect(formatMinorUnits(3000n, 'JPY')).toBe('3000');
    expect(formatMinorUnits(123n, 'KWD')).toBe('0.123');
  });
});

describe('allocateProportionally', () => {
  const sum = (parts: bigint[]) => parts.reduce((a, b) => a + b, 0n);

  it('hands the remainder out so the parts add up to the whole', () => {
    const parts = allocateProportionally(100n, 'USD', [1n, 1n, 1n]);
    expect(parts).toEqual([34n, 33n, 33n]);
    expect(sum(parts)).toBe(100n);
  });

  it('gives a zero ratio nothing and the largest remainder the extra unit', () => {
    expect(allocateProportionally(1001n, 'JPY', [3n, 0n, 7n])).toEqual([300n, 0n, 701n]);
  });

  it('returns zeros when every ratio is zero instead of throwing', () => {
    expect(allocateProportionally(5n, 'USD', [0n, 0n])).toEqual([0n, 0n]);
  });

  it('sums exactly for awkward totals and many parts', () => {
    for (const total of [1n, 7n, 999n, 100003n]) {
      for (const ratios of [[1n, 2n, 3n], [5n, 5n, 5n, 5n, 5n, 5n, 5n], [1n, 1000000n], [13n, 17n, 19n, 23n]]) {
        const parts = allocateProportionally(total, 'KWD', ratios);
        expect(sum(parts)).toBe(total);
        expect(parts.every((part) => part >= 0n)).toBe(true);
      }
    }
  });
});

describe('allocateProportionally hands leftovers to the largest remainders', () => {
  it('gives the leftover unit to the parts whose exact shares lost the most', () => {
    // Exact shares 1.0, 0.8, 0.2: floors 1, 0, 0 and one unit left, which goes to 0.8.
    expect(allocateProportionally(2n, 'USD', [5n, 4n, 1n])).toEqual([1n, 1n, 0n]);
    // Exact shares 5.0, 4.6, 0.4.
    expect(allocateProportionally(10n, 'USD', [50n, 46n, 4n])).toEqual([5n, 5n, 0n]);
  });
});
