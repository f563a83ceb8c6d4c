import { evaluatePurchase } from '../engine/evaluate-purchase.ts';
import type { RewardResult } from '../engine/reward-result.ts';
import { NoRuleSetInForceError } from '../rules/rule-errors.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import type { PurchaseLine } from './read-events-file.ts';

/** What one purchase gave under one rule set: a result, or why it was skipped. */
export type PurchaseOutcome =
  | { purchase: PurchaseLine; result: RewardResult; skipped?: undefined }
  | { purchase: PurchaseLine; result?: undefined; skipped: string };

/**
 * Evaluates each purchase in file order. A purchase no rule version covers is
 * skipped with the reason rather than ending the run: a simulation over old
 * orders should still show the rest.
 */
export async function evaluatePurchaseLines(ruleSet: RuleSet, purchases: readonly PurchaseLine[]): Promise<PurchaseOutcome[]> {
  const outcomes: PurchaseOutcome[] = [];
  for (const purchase of purchases) {
    try {
      outcomes.push({ purchase, result: await evaluatePurchase(ruleSet, purchase.input) });
    } catch (error) {
      if (!(error instanceof NoRuleSetInForceError)) throw error;
      outcomes.push({ purchase, skipped: error.message });
    }
  }
  return outcomes;
}
