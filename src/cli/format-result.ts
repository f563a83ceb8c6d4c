import type { RewardLine, RewardResult } from '../engine/reward-result.ts';
import { formatMinorUnits } from '../money/money.ts';
import type { PurchaseOutcome } from './evaluate-purchase-lines.ts';

/** Minor units as the marketer reads them: 450n USD → "4.50 USD", 100n PTS → "100 PTS". */
export function formatAmount(amount: bigint, currency: string): string {
  return `${formatMinorUnits(amount, currency)} ${currency}`;
}

/** "silver, 2% cashback", or "none" when no tier applied. */
export function formatTier(result: RewardResult): string {
  return result.tier ? `${result.tier.name}, ${result.tier.cashbackPercent}% cashback` : 'none';
}

/** "cashback 0.85 USD for alice (campaign holiday-2026)" */
export function formatRewardLine(reward: RewardLine): string {
  const campaign = reward.campaignId ? ` (campaign ${reward.campaignId})` : '';
  return `${reward.kind} ${formatAmount(reward.amount, reward.currency)} for ${reward.beneficiaryId}${campaign}`;
}

/** The heading that names a purchase in every report: its label and line. */
export function purchaseHeading(outcome: PurchaseOutcome): string {
  return `${outcome.purchase.label}  (line ${outcome.purchase.line})`;
}

/** The human-readable block for one simulated purchase. */
export function formatOutcome(outcome: PurchaseOutcome): string[] {
  const lines = [purchaseHeading(outcome)];
  const field = (name: string, value: string) => lines.push(`  ${name.padEnd(9)} ${value}`);
  if (!outcome.result) {
    field('skipped', outcome.skipped);
    return lines;
  }
  const result = outcome.result;
  const money = (amount: bigint) => formatAmount(amount, result.currency);
  field('order', `${result.occurredAt}, ${result.currency}`);
  const amounts = [`subtotal ${money(result.subtotal)}`];
  if (result.eligibleSubtotal !== result.subtotal) amounts.push(`eligible ${money(result.eligibleSubtotal)}`);
  if (result.shopDiscountTotal > 0n) amounts.push(`shop discounts ${money(result.shopDiscountTotal)}`);
  amounts.push(`referee discount ${money(result.refereeDiscount)}`, `total ${money(result.total)}`);
  field('amounts', amounts.join(', '));
  field('tier', formatTier(result));
  if (result.rewards.length === 0) field('rewards', 'none');
  for (const reward of result.rewards) field('reward', formatRewardLine(reward));
  result.explanation.forEach((line, index) => field(index === 0 ? 'why' : '', `${line.step}: ${line.message}`));
  return lines;
}
