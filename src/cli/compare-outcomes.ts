import type { RewardResult } from '../engine/reward-result.ts';
import type { PurchaseOutcome } from './evaluate-purchase-lines.ts';
import type { TotalKind } from './reward-totals.ts';

/** One amount of one purchase that differs between two rule sets. */
export interface AmountChange {
  kind: TotalKind;
  currency: string;
  campaignId?: string;
  before: bigint;
  after: bigint;
}

/** A purchase whose referee discount, reward lines or skipped status differ. */
export interface PurchaseChange {
  before: PurchaseOutcome;
  after: PurchaseOutcome;
  changes: AmountChange[];
}

/**
 * Pairs the outcomes of the same purchases under two rule sets (same order) and
 * keeps the purchases that come out differently. A skipped side counts as no
 * discount and no rewards, so its amounts show as changes too.
 */
export function compareOutcomes(before: readonly PurchaseOutcome[], after: readonly PurchaseOutcome[]): PurchaseChange[] {
  const changed: PurchaseChange[] = [];
  before.forEach((left, index) => {
    const right = after[index]!;
    const changes = amountChanges(left.result, right.result);
    const skipChanged = (left.skipped === undefined) !== (right.skipped === undefined);
    if (changes.length > 0 || skipChanged) changed.push({ before: left, after: right, changes });
  });
  return changed;
}

function amountChanges(before: RewardResult | undefined, after: RewardResult | undefined): AmountChange[] {
  const rows = new Map<string, AmountChange>();
  const row = (kind: TotalKind, currency: string, campaignId: string | undefined) => {
    const key = `${kind}|${currency}|${campaignId ?? ''}`;
    const entry = rows.get(key) ?? { kind, currency, ...(campaignId ? { campaignId } : {}), before: 0n, after: 0n };
    rows.set(key, entry);
    return entry;
  };
  const collect = (result: RewardResult | undefined, side: 'before' | 'after') => {
    if (!result) return;
    row('referee-discount', result.currency, undefined)[side] = result.refereeDiscount;
    for (const reward of result.rewards) row(reward.kind, reward.currency, reward.campaignId)[side] += reward.amount;
  };
  collect(before, 'before');
  collect(after, 'after');
  return [...rows.values()].filter((change) => change.before !== change.after);
}
