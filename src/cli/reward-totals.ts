import type { RewardKind } from '../engine/reward-result.ts';
import type { PurchaseOutcome } from './evaluate-purchase-lines.ts';

/** The referee discount is a cost of the program too, so totals list it beside the rewards. */
export type TotalKind = 'referee-discount' | RewardKind;

export interface RewardTotal {
  kind: TotalKind;
  currency: string;
  amount: bigint;
}

const KIND_ORDER: readonly TotalKind[] = ['referee-discount', 'cashback', 'campaign-cashback', 'bonus-points'];

/** Sums discounts and rewards per kind and currency over the evaluated purchases (skipped ones add nothing). */
export function sumRewards(outcomes: readonly PurchaseOutcome[]): RewardTotal[] {
  const totals = new Map<string, RewardTotal>();
  const add = (kind: TotalKind, currency: string, amount: bigint) => {
    const key = `${kind}|${currency}`;
    const entry = totals.get(key) ?? { kind, currency, amount: 0n };
    entry.amount += amount;
    totals.set(key, entry);
  };
  for (const { result } of outcomes) {
    if (!result) continue;
    if (result.refereeDiscount > 0n) add('referee-discount', result.currency, result.refereeDiscount);
    for (const reward of result.rewards) add(reward.kind, reward.currency, reward.amount);
  }
  return sortTotals([...totals.values()]);
}

export interface TotalChange {
  kind: TotalKind;
  currency: string;
  before: bigint;
  after: bigint;
}

/** Lines up two sets of totals; a kind and currency missing on one side counts as 0 there. */
export function compareTotals(before: readonly RewardTotal[], after: readonly RewardTotal[]): TotalChange[] {
  const rows = new Map<string, TotalChange>();
  const row = (total: RewardTotal) => {
    const key = `${total.kind}|${total.currency}`;
    const entry = rows.get(key) ?? { kind: total.kind, currency: total.currency, before: 0n, after: 0n };
    rows.set(key, entry);
    return entry;
  };
  for (const total of before) row(total).before = total.amount;
  for (const total of after) row(total).after = total.amount;
  return sortTotals([...rows.values()]);
}

function sortTotals<T extends { kind: TotalKind; currency: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.currency.localeCompare(b.currency));
}
