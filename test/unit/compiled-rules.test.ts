import { describe, expect, it } from 'vitest';
import { FACT_CATALOG, OPERATORS, type FactPathSpec } from '../../src/rules/fact-catalog.ts';
import type { ConditionNode, LoadedRuleFile, RuleDefinition } from '../../src/rules/rule-file.ts';
import type { SelectedRules } from '../../src/rules/rule-set.ts';
import { evaluateRules } from '../../src/engine/rule-evaluator.ts';
import { evaluateRulesCompiled } from '../../src/engine/compiled-rules.ts';
import type { PurchaseFacts } from '../../src/engine/purchase-facts.ts';
import { prng, type Random } from '../support/prng.ts';

const leaves = Object.entries(FACT_CATALOG).flatMap(([fact, paths]) =>
  Object.entries(paths as Record<string, FactPathSpec>).map(([path, spec]) => ({ fact, path: `$.${path}`, spec })),
);
const STRINGS = ['USD', 'EUR', 'JPY', 'code', 'link', 'none', 'gift-cards', 'shoes', 'flash-sale', 'coupon', 'X'];
const NUMBERS = [0, 1, 9, 10, 11, 29, 30, 31, 49, 50, 364, 365, 1999, 2000, 2001, 100000];

function randomValue(random: Random, spec: FactPathSpec): ConditionNode['value'] {
  // Mostly well-typed values, sometimes deliberately mistyped ones: both engines must agree either way.
  if (random.next() < 0.1) return random.pick<string | number | boolean>(['7', true, 3, 'USD']);
  if (spec.type === 'boolean') return random.next() < 0.5;
  if (spec.type === 'integer' || spec.type === 'number') return random.pick(NUMBERS);
  return random.pick(spec.values ?? STRINGS);
}

function randomCondition(random: Random, depth: number): ConditionNode {
  const roll = random.next();
  if (depth < 3 && roll < 0.35) {
    const children = Array.from({ length: random.int(4) }, () => randomCondition(random, depth + 1));
    if (roll < 0.15) return { all: children };
    if (roll < 0.3) return { any: children };
    return { not: randomCondition(random, depth + 1) };
  }
  const leaf = random.pick(leaves);
  const operator = random.pick(OPERATORS);
  let value = randomValue(random, leaf.spec);
  if (operator === 'in' || operator === 'notIn') value = [randomValue(random, leaf.spec), randomValue(random, leaf.spec)] as Array<string | number | boolean>;
  return { fact: leaf.fact, path: leaf.path, operator, value };
}

function randomFile(random: Random, index: number): LoadedRuleFile {
  const rules: RuleDefinition[] = Array.from({ length: 1 + random.int(8) }, (_, ruleIndex) => {
    const root = randomCondition(random, 1);
    const conditions = root.all || root.any || root.not ? root : { all: [root] };
    return { name: `r${ruleIndex}`, conditions, event: { type: 'bonus-points', params: { points: ruleIndex + 1 } } };
  });
  return {
    file: `generated-${index}.json`,
    hash: `h${index}`,
    from: 0,
    until: undefined,
    content: { id: `generated-${index}`, policy: 'referral', version: 1, effectiveFrom: '2026-01-01T00:00:00Z', description: 'generated', rules },
  };
}

function randomFacts(random: Random): PurchaseFacts {
  return {
    order: {
      currency: random.pick(['USD', 'EUR', 'JPY', 'GBP']),
      subtotal: random.pick(NUMBERS),
      shopDiscountTotal: random.pick(NUMBERS),
      itemCount: random.int(5),
      categories: ['shoes', 'gift-cards', 'books'].filter(() => random.next() < 0.5),
      discountKinds: ['coupon', 'flash-sale', 'membership'].filter(() => random.next() < 0.4),
      discountCodes: ['X', 'SPRING'].filter(() => random.next() < 0.4),
    },
    referral: { present: random.next() < 0.7, source: random.pick(['code', 'link', 'none'] as const), clickAgeDays: random.pick(NUMBERS) },
    referee: { isFirstOrder: random.next() < 0.5, priorOrderCount: random.int(4), daysSinceFirstOrder: random.pick(NUMBERS) },
    referrer: { successfulReferrals: random.pick(NUMBERS) },
    fraud: { sameUser: random.next() < 0.2, sameEmail: random.next() < 0.2, sameDevice: random.next() < 0.2, samePayment: random.next() < 0.2 },
  };
}

function selection(files: LoadedRuleFile[]): SelectedRules {
  return { policies: new Map([['referral', files[0]!]]), campaigns: files.slice(1).map((file) => ({ file, window: { start: 0, end: 1 } })), settings: { attributionWindowDays: 30, holdDays: 15 } };
}

const fingerprint = (fired: Array<{ file: LoadedRuleFile; rule: string }>) => fired.map((effect) => `${effect.file.file}#${effect.rule}`);

describe('compiled rule evaluation', () => {
  it('fires exactly the rules json-rules-engine fires, over 300 generated rule sets × 20 fact sets', async () => {
    let compared = 0;
    let firedSomething = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const random = prng(seed);
      const selected = selection(Array.from({ length: 1 + random.int(3) }, (_, i) => randomFile(random, i)));
      for (let run = 0; run < 20; run++) {
        const facts = randomFacts(random);
        const expected = fingerprint(await evaluateRules(selected, facts));
        const actual = fingerprint(evaluateRulesCompiled(selected, facts));
        expect(actual, `seed ${seed}, run ${run}`).toEqual(expected);
        compared++;
        if (expected.length > 0) firedSomething++;
      }
    }
    expect(compared).toBe(6000);
    // Guard against a generator so skewed that nothing ever fires (the comparison would be vacuous).
    expect(firedSomething).toBeGreaterThan(1000);
  });

  it('agrees on empty groups, which json-rules-engine treats as true', async () => {
    const random = prng(42);
    const file = randomFile(random, 0);
    file.content.rules = [
      { name: 'empty-all', conditions: { all: [] }, event: { type: 'bonus-points', params: { points: 1 } } },
      { name: 'empty-any', conditions: { any: [] }, event: { type: 'bonus-points', params: { points: 1 } } },
      { name: 'not-empty-all', conditions: { not: { all: [] } }, event: { type: 'bonus-points', params: { points: 1 } } },
    ];
    const facts = randomFacts(random);
    const expected = fingerprint(await evaluateRules(selection([file]), facts));
    expect(fingerprint(evaluateRulesCompiled(selection([file]), facts))).toEqual(expected);
    expect(expected).toEqual(['generated-0.json#empty-all', 'generated-0.json#empty-any']);
  });
});
