import type { RewardResult } from './reward-result.ts';

/**
 * RewardResult with money as JSON numbers (integer minor units), as the API
 * and the CLI show it. Amounts beyond 2^53 cannot arise from validated input
 * (the API bounds order totals), so a bigint that large is a bug: throw.
 */
export type RewardResultJson = ReturnType<typeof rewardResultToJson>;

export function rewardResultToJson(result: RewardResult) {
  return {
    ...result,
    subtotal: toNumber(result.subtotal),
    eligibleSubtotal: toNumber(result.eligibleSubtotal),
    shopDiscountTotal: toNumber(result.shopDiscountTotal),
    refereeDiscount: toNumber(result.refereeDiscount),
    total: toNumber(result.total),
    rewards: result.rewards.map((reward) => ({ ...reward, amount: toNumber(reward.amount) })),
    campaignSpend: result.campaignSpend.map((spend) => ({ ...spend, amount: toNumber(spend.amount) })),
  };
}

export function toNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`amount ${value} exceeds the safe integer range`);
  }
  return Number(value);
}
