import * as currencies from 'dinero.js/bigint/currencies';
import type { DineroCurrency } from 'dinero.js/bigint';

/**
 * Loyalty points are not an ISO 4217 currency, but they are counted like one
 * (whole units, budgets per unit), so they get a pseudo-code that can never
 * collide with a real currency: ISO reserves no three-letter code "PTS".
 */
export const POINTS = 'PTS';

const pointsCurrency: DineroCurrency<bigint> = { code: POINTS, base: 10n, exponent: 0n };

// A plain Map: lookups on a module namespace object are measurably slower on the hot path.
const byCode = new Map<string, DineroCurrency<bigint>>(
  Object.entries(currencies as unknown as Record<string, DineroCurrency<bigint>>).filter(([code]) => /^[A-Z]{3}$/.test(code)),
);
byCode.set(POINTS, pointsCurrency);

/** The ISO 4217 (or points) currency for a code, or undefined when it is unknown. */
export function findCurrency(code: string): DineroCurrency<bigint> | undefined {
  return byCode.get(code);
}

export function isKnownCurrency(code: string): boolean {
  return findCurrency(code) !== undefined;
}

/** Number of minor-unit digits: JPY 0, USD 2, KWD 3. */
export function exponentOf(code: string): number {
  const currency = findCurrency(code);
  if (!currency) throw new RangeError(`unknown currency "${code}"`);
  return Number(currency.exponent);
}

export function currencyOf(code: string): DineroCurrency<bigint> {
  const currency = findCurrency(code);
  if (!currency) throw new RangeError(`unknown currency "${code}"`);
  return currency;
}
