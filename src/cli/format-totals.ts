import { formatMinorUnits } from '../money/money.ts';
import type { RewardTotal, TotalChange } from './reward-totals.ts';

/** A right-aligned table of totals per kind and currency. */
export function formatTotals(totals: readonly RewardTotal[]): string[] {
  if (totals.length === 0) return ['  no discounts or rewards'];
  return table([
    ['kind', 'currency', 'total'],
    ...totals.map((total) => [total.kind, total.currency, formatMinorUnits(total.amount, total.currency)]),
  ]);
}

/** Totals before and after a change, with the signed delta. */
export function formatTotalChanges(changes: readonly TotalChange[]): string[] {
  if (changes.length === 0) return ['  no discounts or rewards on either side'];
  return table([
    ['kind', 'currency', 'before', 'after', 'delta'],
    ...changes.map(({ kind, currency, before, after }) => [
      kind,
      currency,
      formatMinorUnits(before, currency),
      formatMinorUnits(after, currency),
      formatSigned(after - before, currency),
    ]),
  ]);
}

/** A difference with its sign: "+0.46", "-1.20", "0.00". */
export function formatSigned(amount: bigint, currency: string): string {
  return `${amount > 0n ? '+' : ''}${formatMinorUnits(amount, currency)}`;
}

/** First two columns left-aligned (names), the rest right-aligned (amounts). */
function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `  ${row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}`.trimEnd());
}
