import type { RuleSet } from '../rules/rule-set.ts';
import { evaluateRulesCompiled } from './compiled-rules.ts';
import { buildPurchaseFacts } from './purchase-facts.ts';
import type { PurchaseInput } from './purchase-input.ts';
import { calculateRewards } from './reward-calculator.ts';
import type { RewardResult } from './reward-result.ts';
import { evaluateRules } from './rule-evaluator.ts';

/**
 * The evaluation path by definition: select the rule versions in force at the
 * order's time, compute the facts, let json-rules-engine pick the effects, and
 * turn them into money. The CLI's simulate and diff use this one.
 * @throws NoRuleSetInForceError when no rule file covers occurredAt.
 */
export async function evaluatePurchase(ruleSet: RuleSet, input: PurchaseInput): Promise<RewardResult> {
  const selected = ruleSet.select(Date.parse(input.order.occurredAt));
  const { facts, attribution } = buildPurchaseFacts(input, selected.settings);
  const fired = await evaluateRules(selected, facts);
  return calculateRewards(input, selected, attribution, fired);
}

/**
 * The same evaluation with conditions compiled to closures (compiled-rules.ts),
 * synchronous: the quote and the event worker use it. A differential test
 * keeps it equal to evaluatePurchase.
 */
export function evaluatePurchaseFast(ruleSet: RuleSet, input: PurchaseInput): RewardResult {
  const selected = ruleSet.select(Date.parse(input.order.occurredAt));
  const { facts, attribution } = buildPurchaseFacts(input, selected.settings);
  return calculateRewards(input, selected, attribution, evaluateRulesCompiled(selected, facts));
}
