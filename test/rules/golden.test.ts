import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePurchase } from '../../src/engine/evaluate-purchase.ts';
import type { RewardResult } from '../../src/engine/reward-result.ts';
import { loadRuleSet } from '../../src/rules/rule-set-loader.ts';
import type { RuleSet } from '../../src/rules/rule-set.ts';
import { parseGoldenFile, type GoldenCase } from './golden-case.ts';

const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));
const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

/** One golden file per policy, named after it: golden/referral.json holds the referral policy's cases. */
const goldenFiles = readdirSync(GOLDEN_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => ({ name, policy: path.basename(name, '.json'), cases: parseGoldenFile(`test/rules/golden/${name}`, readFileSync(path.join(GOLDEN_DIR, name), 'utf8')) }));

let ruleSet: RuleSet;

beforeAll(async () => {
  ruleSet = await loadRuleSet(RULES_DIR);
});

function checkCase(result: RewardResult, { expect: expected }: GoldenCase): void {
  if (expected.refereeDiscount !== undefined) {
    expect(result.refereeDiscount, 'refereeDiscount').toBe(BigInt(expected.refereeDiscount));
  }
  if (expected.rewards !== undefined) {
    const order = (a: { kind: string; currency: string }, b: { kind: string; currency: string }) => `${a.kind} ${a.currency}`.localeCompare(`${b.kind} ${b.currency}`);
    const actual = result.rewards.map(({ kind, amount, currency }) => ({ kind, amount: Number(amount), currency })).sort(order);
    expect(actual, 'rewards').toEqual([...expected.rewards].sort(order));
  }
  if (expected.blockedReason !== undefined) {
    expect(result.referral.blockedReason ?? null, 'blockedReason').toBe(expected.blockedReason);
  }
  if (expected.tier !== undefined) {
    expect(result.tier?.name ?? null, 'tier').toBe(expected.tier);
  }
  const messages = result.explanation.map((line) => line.message);
  for (const text of expected.explanationIncludes ?? []) {
    expect(messages.some((message) => message.includes(text)), `explanation includes "${text}"; it was:\n${messages.join('\n')}`).toBe(true);
  }
}

describe.each(goldenFiles)('golden/$name', ({ cases }) => {
  it.each(cases)('$name', async (golden) => {
    checkCase(await evaluatePurchase(ruleSet, golden.input), golden);
  });
});

describe('golden coverage', () => {
  it('has a golden file for every policy of the default program', () => {
    const policies = new Set(ruleSet.files.map((file) => file.content.policy));
    expect(goldenFiles.map((file) => file.policy).sort()).toEqual(expect.arrayContaining([...policies].sort()));
  });

  it('fires every rule of the default program in at least one case of its policy file', async () => {
    const firedByPolicy = new Map<string, RewardResult['rulesFired']>();
    for (const { policy, cases } of goldenFiles) {
      const results = await Promise.all(cases.map((golden) => evaluatePurchase(ruleSet, golden.input)));
      firedByPolicy.set(policy, results.flatMap((result) => result.rulesFired));
    }
    const unfired = ruleSet.files.flatMap((file) => {
      const fired = firedByPolicy.get(file.content.policy) ?? [];
      return file.content.rules
        .filter((rule) => !fired.some((ref) => ref.file === file.file && ref.rule === rule.name && ref.version === file.content.version))
        .map((rule) => `${file.file} ${rule.name}`);
    });
    expect(unfired, 'rules with no golden case in their policy file').toEqual([]);
  });
});
