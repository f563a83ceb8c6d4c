import { dinero, multiply, transformScale, toSnapshot, down, halfEven } from 'dinero.js/bigint';
import { currencyOf, exponentOf } from './currency.ts';
import { decimalToString, type Decimal } from './decimal.ts';

/**
 * Rounding policies, one per reward kind (see docs/money.md):
 * - `half-even`: discounts the customer sees (banker's rounding, no drift either way);
 * - `floor`: payouts we owe (cashback, points, caps) so we never pay a minor unit too much.
 * All amounts are non-negative here, so floor and "toward zero" agree.
 */
export type RoundingPolicy = 'half-even' | 'floor';

/** Parses a major-unit amount as written in a rule file ("20.00" USD, "3000" JPY) into minor units. */
export function parseMajorUnits(text: string, currency: string): bigint {
  const exponent = exponentOf(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`"${text}" is not an amount; write digits with an optional decimal point, e.g. "20.00"`);
  const [, whole = '0', fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new RangeError(
      exponent === 0
        ? `${currency} has no minor units; write "${whole}" without decimals`
        : `${currency} has ${exponent} decimal places; "${text}" has ${fraction.length}`,
    );
  }
  return BigInt(whole + fraction.padEnd(exponent, '0'));
}

/** Formats minor units as a major-unit string with the currency's exponent: 1234n USD → "12.34". */
export function formatMinorUnits(amount: bigint, currency: string): string {
  return decimalToString({ units: amount, scale: exponentOf(currency) });
}

/**
 * amount × percent / 100, rounded to the currency's minor unit with the given policy.
 * Goes through dinero.js so scale handling and rounding are the library's, not ours.
 */
export function percentOf(amount: bigint, currency: string, percent: Decimal, rounding: RoundingPolicy): bigint {
  return scaleBy(amount, currency, { units: percent.units, scale: percent.scale + 2 }, rounding);
}

/** amount × factor, rounded to the currency's minor unit with the given policy. */
export function scaleBy(amount: bigint, currency: string, factor: Decimal, rounding: RoundingPolicy): bigint {
  const money = dinero({ amount, currency: currencyOf(currency) });
  const product = multiply(money, { amount: factor.units, scale: BigInt(factor.scale) });
  const rounded = transformScale(product, BigInt(exponentOf(currency)), rounding === 'floor' ? down : halfEven);
  return toSnapshot(rounded).amount;
}

/**
 * Splits a non-negative `total` in proportion to `ratios` so that the parts add
 * up to exactly `total`: each part gets the floor of its exact share, and the
 * units left over go to the parts with the largest remainders (ties: earlier
 * first). Hand-written because dinero.js `allocate` hands leftovers to the
 * largest ratios instead, which is not the documented policy (docs/money.md).
 */
export function allocateProportionally(total: bigint, _currency: string, ratios: readonly bigint[]): bigint[] {
  if (total < 0n) throw new RangeError('allocateProportionally splits non-negative amounts');
  if (ratios.some((ratio) => ratio < 0n)) throw new RangeError('ratios must not be negative');
  const sum = ratios.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return ratios.map(() => 0n);
  const parts = ratios.map((ratio) => (total * ratio) / sum);
  let leftover = total - parts.reduce((a, b) => a + b, 0n);
  const byRemainder = ratios
    .map((ratio, index) => ({ index, remainder: (total * ratio) % sum }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of byRemainder) {
    if (leftover === 0n) break;
    parts[index]! += 1n;
    leftover -= 1n;
  }
  return parts;
}

export function minBigInt(...values: bigint[]): bigint {
  return values.reduce((a, b) => (b < a ? b : a));
}

export function maxBigInt(...values: bigint[]): bigint {
  return values.reduce((a, b) => (b > a ? b : a));
}
