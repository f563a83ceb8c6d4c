/**
 * Pure arithmetic of clawbacks: how much of each reward a refund or a cancel
 * reverses. Computed cumulatively (what should be reversed after this event
 * minus what already was), so rounding never drifts: the reversals of an order
 * never add up to more than the reward, and a full refund reverses it exactly.
 */

/** One reward as the ledger stands before the event. */
export interface RewardLedgerState {
  rewardId: bigint;
  kind: string;
  amount: bigint;
  /** Sum of every reverse entry so far (from pending or confirmed). */
  reversed: bigint;
  /** A confirm entry exists: reversals now come out of confirmed. */
  confirmed: boolean;
}

export interface PlannedReversal {
  rewardId: bigint;
  amount: bigint;
  fromBucket: 'pending' | 'confirmed';
}

/**
 * reversed_after = floor(amount × refunded / base); reversal = reversed_after − reversed_before.
 * `refunded` is cumulative and capped at `base`; base 0 (a free order) counts any refund as full.
 * `fullKinds` are reversed entirely whatever the fraction (bonus points of a referral that is voided).
 */
export function planReversals(rewards: readonly RewardLedgerState[], refunded: bigint, base: bigint, fullKinds: ReadonlySet<string> = new Set()): PlannedReversal[] {
  const plan: PlannedReversal[] = [];
  for (const reward of rewards) {
    const target = fullKinds.has(reward.kind) || base <= 0n || refunded >= base ? reward.amount : (reward.amount * refunded) / base;
    const amount = target - reward.reversed;
    if (amount > 0n) plan.push({ rewardId: reward.rewardId, amount, fromBucket: reward.confirmed ? 'confirmed' : 'pending' });
  }
  return plan;
}

/** What a purchase's items are worth, for refunds by item. */
export interface OrderLine {
  sku: string;
  unitPrice: number;
  quantity: number;
}

/** Cumulative refund so far, in the units the order was paid in. */
export interface RefundTally {
  /** Money refunded by amount, summed over the order's refund events. */
  amount: bigint;
  /** List value (unitPrice × quantity) of the items refunded by item. */
  itemsValue: bigint;
  /** A refund with neither amount nor items, or a cancellation, happened. */
  full: boolean;
}

/**
 * The refunded part of what the customer paid (`total`), capped at it.
 * Item refunds are valued at list price and scaled to the paid total, so
 * returning every item is a full refund even when the order was discounted.
 */
export function refundedOfTotal(tally: RefundTally, subtotal: bigint, total: bigint): bigint {
  if (tally.full || (subtotal > 0n && tally.itemsValue >= subtotal)) return total;
  const fromItems = subtotal > 0n ? (tally.itemsValue * total) / subtotal : 0n;
  const refunded = tally.amount + fromItems;
  return refunded > total ? total : refunded;
}

/**
 * List value of refunded items. Unknown SKUs are an error the caller reports;
 * a quantity beyond what was bought counts as what was bought.
 */
export function refundedItemsValue(lines: readonly OrderLine[], refunded: ReadonlyArray<{ sku: string; quantity: number }>): { value: bigint; unknownSkus: string[] } {
  const unknownSkus: string[] = [];
  let value = 0n;
  for (const item of refunded) {
    const matching = lines.filter((line) => line.sku === item.sku);
    if (matching.length === 0) {
      unknownSkus.push(item.sku);
      continue;
    }
    let left = item.quantity;
    for (const line of matching) {
      const take = Math.min(left, line.quantity);
      value += BigInt(line.unitPrice) * BigInt(take);
      left -= take;
    }
  }
  return { value, unknownSkus };
}
