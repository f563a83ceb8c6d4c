import type { ConditionNode, LoadedRuleFile } from '../rules/rule-file.ts';
import type { SelectedRules } from '../rules/rule-set.ts';
import { compilePath } from './path-resolver.ts';
import type { PurchaseFacts } from './purchase-facts.ts';
import { contributingFiles, type FiredEffect } from './rule-evaluator.ts';

type Predicate = (facts: PurchaseFacts) => boolean;

/**
 * json-rules-engine's operators, restated for the restricted condition
 * language the schema allows. Validators mirror the library's: a numeric
 * operator on a non-number and a list operator on a non-list are false.
 * test/unit/compiled-rules.test.ts proves agreement on generated rule files.
 */
const OPERATORS: Record<string, (a: unknown, b: unknown) => boolean> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => (b as unknown[]).indexOf(a) > -1,
  notIn: (a, b) => (b as unknown[]).indexOf(a) === -1,
  contains: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
  doesNotContain: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
  lessThan: (a, b) => isNumeric(a) && (a as number) < (b as number),
  lessThanInclusive: (a, b) => isNumeric(a) && (a as number) <= (b as number),
  greaterThan: (a, b) => isNumeric(a) && (a as number) > (b as number),
  greaterThanInclusive: (a, b) => isNumeric(a) && (a as number) >= (b as number),
};

function isNumeric(value: unknown): boolean {
  return Number.parseFloat(value as string).toString() !== 'NaN';
}

/** Compiles a validated condition tree into closures, once per loaded file. Never `eval`. */
export function compileCondition(node: ConditionNode): Predicate {
  if (node.all) {
    const children = node.all.map(compileCondition);
    return (facts) => children.every((child) => child(facts));
  }
  if (node.any) {
    const children = node.any.map(compileCondition);
    // json-rules-engine treats an empty "any" as true, like an empty "all".
    if (children.length === 0) return () => true;
    return (facts) => children.some((child) => child(facts));
  }
  if (node.not) {
    const child = compileCondition(node.not);
    return (facts) => !child(facts);
  }
  const operator = OPERATORS[node.operator!];
  if (!operator) throw new Error(`operator "${node.operator}" has no compiled form`);
  const fact = node.fact as keyof PurchaseFacts;
  const read = compilePath(node.path!);
  const value = node.value;
  return (facts) => operator(read(facts[fact]), value);
}

interface CompiledRule {
  readonly index: number;
  readonly test: Predicate;
}

const compiledFiles = new WeakMap<LoadedRuleFile, readonly CompiledRule[]>();

function compiledRulesOf(file: LoadedRuleFile): readonly CompiledRule[] {
  let rules = compiledFiles.get(file);
  if (!rules) {
    rules = file.content.rules.map((rule, index) => ({ index, test: compileCondition(rule.conditions) }));
    compiledFiles.set(file, rules);
  }
  return rules;
}

/**
 * The hot-path twin of evaluateRules: same files, same order, same fired
 * effects, synchronous and without per-run engine machinery.
 */
export function evaluateRulesCompiled(selected: SelectedRules, facts: PurchaseFacts): FiredEffect[] {
  const fired: FiredEffect[] = [];
  for (const file of contributingFiles(selected)) {
    for (const rule of compiledRulesOf(file)) {
      if (!rule.test(facts)) continue;
      const definition = file.content.rules[rule.index]!;
      fired.push({ type: definition.event.type, params: definition.event.params, file, rule: definition.name });
    }
  }
  return fired;
}
