import { Engine } from 'json-rules-engine';
import { loadRuleSet } from '../src/rules/rule-set-loader.ts';
import type { RuleSet, SelectedRules } from '../src/rules/rule-set.ts';
import { evaluatePurchase, evaluatePurchaseFast } from '../src/engine/evaluate-purchase.ts';
import { buildPurchaseFacts } from '../src/engine/purchase-facts.ts';
import { calculateRewards } from '../src/engine/reward-calculator.ts';
import { contributingFiles, type FiredEffect } from '../src/engine/rule-evaluator.ts';
import type { PurchaseInput } from '../src/engine/purchase-input.ts';
import type { RewardResult } from '../src/engine/reward-result.ts';
import { generatePurchases } from './purchase-generator.ts';
import { referenceProgram, type ReferenceResult } from './reference-program.ts';

export interface RuleEvaluationFigures {
  purchases: number;
  productionPerSecond: number;
  referencePerSecond: number;
  jsonRulesEngineDefaultPerSecond: number;
  definitionPathPerSecond: number;
  productionVsReference: number;
  productionVsJsonRulesEngine: number;
  mismatches: number;
}

/**
 * Plain json-rules-engine as the findings measured it: default options
 * (JSONPath paths), one reused Engine per rule selection, runs one at a time.
 */
function plainEngineEvaluator() {
  const engines = new Map<string, { engine: Engine; byName: Map<string, { file: FiredEffect['file']; index: number }> }>();
  return async (ruleSet: RuleSet, input: PurchaseInput): Promise<RewardResult> => {
    const selected = ruleSet.select(Date.parse(input.order.occurredAt));
    const files = contributingFiles(selected);
    const key = files.map((file) => file.hash).join(',');
    let entry = engines.get(key);
    if (!entry) {
      const engine = new Engine();
      const byName = new Map<string, { file: FiredEffect['file']; index: number }>();
      files.forEach((file, fileIndex) =>
        file.content.rules.forEach((rule, index) => {
          byName.set(`${fileIndex}:${index}`, { file, index });
          engine.addRule({ name: `${fileIndex}:${index}`, conditions: rule.conditions as never, event: { type: rule.event.type } });
        }),
      );
      entry = { engine, byName };
      engines.set(key, entry);
    }
    const { facts, attribution } = buildPurchaseFacts(input, selected.settings);
    const { results } = await entry.engine.run({ ...facts });
    const fired = results
      .map((result) => entry.byName.get(String(result.name))!)
      .sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.index - b.index)
      .map(({ file, index }) => ({ type: file.content.rules[index]!.event.type, params: file.content.rules[index]!.event.params, file, rule: file.content.rules[index]!.name }));
    return calculateRewards(input, selected as SelectedRules, attribution, fired);
  };
}

function summary(result: RewardResult | ReferenceResult): string {
  return JSON.stringify({ d: String(result.refereeDiscount), r: result.rewards.map((r) => `${r.kind}:${r.amount}:${r.currency}`) });
}

/** Evaluations per second of `run` over all purchases, repeated for at least `ms`. */
async function rate(purchases: PurchaseInput[], ms: number, run: (input: PurchaseInput) => unknown): Promise<number> {
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  do {
    for (const purchase of purchases) {
      const value = run(purchase);
      if (value instanceof Promise) await value;
    }
    count += purchases.length;
  } while (process.hrtime.bigint() < deadline);
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchRuleEvaluation(options: { purchases?: number; msPerRound?: number; rounds?: number } = {}): Promise<RuleEvaluationFigures> {
  const ruleSet = await loadRuleSet('rules');
  const purchases = generatePurchases(options.purchases ?? 2000);
  const plain = plainEngineEvaluator();

  // Correctness first: every path must agree with the oracle on every purchase.
  let mismatches = 0;
  for (const purchase of purchases) {
    const expected = summary(referenceProgram(purchase));
    const results = [evaluatePurchaseFast(ruleSet, purchase), await evaluatePurchase(ruleSet, purchase), await plain(ruleSet, purchase)];
    for (const result of results) {
      if (summary(result) !== expected) {
        mismatches++;
        if (mismatches <= 5) console.error(`mismatch for ${purchase.order.orderId}: expected ${expected}, got ${summary(result)}`);
      }
    }
  }

  const ms = options.msPerRound ?? 1500;
  const production: number[] = [];
  const reference: number[] = [];
  const jre: number[] = [];
  const definition: number[] = [];
  // Interleaved rounds: a noisy neighbour slows every contender alike.
  for (let round = 0; round < (options.rounds ?? 3); round++) {
    reference.push(await rate(purchases, ms, referenceProgram));
    production.push(await rate(purchases, ms, (p) => evaluatePurchaseFast(ruleSet, p)));
    jre.push(await rate(purchases.slice(0, 500), ms, (p) => plain(ruleSet, p)));
    definition.push(await rate(purchases.slice(0, 500), ms, (p) => evaluatePurchase(ruleSet, p)));
  }
  const figures = {
    purchases: purchases.length,
    productionPerSecond: median(production),
    referencePerSecond: median(reference),
    jsonRulesEngineDefaultPerSecond: median(jre),
    definitionPathPerSecond: median(definition),
    productionVsReference: 0,
    productionVsJsonRulesEngine: 0,
    mismatches,
  };
  figures.productionVsReference = figures.productionPerSecond / figures.referencePerSecond;
  figures.productionVsJsonRulesEngine = figures.productionPerSecond / figures.jsonRulesEngineDefaultPerSecond;
  return figures;
}
