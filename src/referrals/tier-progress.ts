import type { ConditionNode, LoadedRuleFile } from '../rules/rule-file.ts';

/** A tier as the history shows it: its name, cashback rate and the successful referrals it takes. */
export interface TierStep {
  name: string;
  cashbackPercent: string;
  /** Successful referrals needed to reach it. */
  threshold: number;
}

export interface TierProgress {
  current: TierStep | null;
  next: (TierStep & { referralsNeeded: number }) | null;
  successfulReferrals: number;
}

/**
 * Where a referrer stands in the tiers file in force. Reads each tier rule
 * written as "successfulReferrals at least N" (greaterThanInclusive, or
 * greaterThan N meaning N + 1); a rule written otherwise cannot be placed on
 * the ladder and is left out. As in the calculator, the best rate reached applies.
 */
export function tierProgress(tiersFile: LoadedRuleFile | undefined, successfulReferrals: number): TierProgress {
  const steps = tierSteps(tiersFile);
  let current: TierStep | null = null;
  for (const step of steps) {
    if (step.threshold <= successfulReferrals && (!current || Number(step.cashbackPercent) > Number(current.cashbackPercent))) current = step;
  }
  const better = steps
    .filter((step) => step.threshold > successfulReferrals && (!current || Number(step.cashbackPercent) > Number(current.cashbackPercent)))
    .sort((a, b) => a.threshold - b.threshold)[0];
  return {
    current,
    next: better ? { ...better, referralsNeeded: better.threshold - successfulReferrals } : null,
    successfulReferrals,
  };
}

/** The tiers of a tiers file, lowest threshold first. */
export function tierSteps(tiersFile: LoadedRuleFile | undefined): TierStep[] {
  const steps: TierStep[] = [];
  for (const rule of tiersFile?.content.rules ?? []) {
    if (rule.event.type !== 'tier') continue;
    const threshold = thresholdOf(rule.conditions);
    if (threshold === undefined) continue;
    steps.push({ name: String(rule.event.params.tier), cashbackPercent: String(rule.event.params.cashbackPercent), threshold });
  }
  return steps.sort((a, b) => a.threshold - b.threshold);
}

function thresholdOf(node: ConditionNode): number | undefined {
  const conditions = node.all ?? (node.fact ? [node] : undefined);
  if (!conditions || conditions.length !== 1) return undefined;
  const [condition] = conditions;
  if (!condition || condition.fact !== 'referrer' || !/^\$?\.?successfulReferrals$/.test(condition.path ?? '')) return undefined;
  if (typeof condition.value !== 'number') return undefined;
  if (condition.operator === 'greaterThanInclusive') return Math.ceil(condition.value);
  if (condition.operator === 'greaterThan') return Math.floor(condition.value) + 1;
  return undefined;
}
