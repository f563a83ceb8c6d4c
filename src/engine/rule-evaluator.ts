import { Engine, type RuleProperties } from 'json-rules-engine';
import type { EffectType } from '../rules/effect-catalog.ts';
import type { LoadedRuleFile } from '../rules/rule-file.ts';
import type { SelectedRules } from '../rules/rule-set.ts';
import { resolveDottedPath } from './path-resolver.ts';
import type { PurchaseFacts } from './purchase-facts.ts';

/** A rule that fired, with the effect it declares and where it came from. */
export interface FiredEffect {
  type: EffectType;
  params: Record<string, unknown>;
  file: LoadedRuleFile;
  rule: string;
}

const filesOfSelection = new WeakMap<SelectedRules, readonly LoadedRuleFile[]>();

/** The rule files of a selection, in a stable order: policies, then campaigns. Selections are cached by RuleSet, so this is too. */
export function contributingFiles(selected: SelectedRules): readonly LoadedRuleFile[] {
  let files = filesOfSelection.get(selected);
  if (!files) {
    files = [...selected.policies.values(), ...selected.campaigns.map((campaign) => campaign.file)];
    filesOfSelection.set(selected, files);
  }
  return files;
}

/**
 * Runs json-rules-engine over the selected rule files. Each run gets its own
 * Engine: an Engine keeps one shared status, and overlapping runs on a shared
 * one were measured to skip each other's rules (963 wrong of 2,000).
 * Construction is cheap (~5 µs); the fast path for checkout is issue #6's.
 */
export async function evaluateRules(selected: SelectedRules, facts: PurchaseFacts): Promise<FiredEffect[]> {
  const files = contributingFiles(selected);
  const byName = new Map<string, { file: LoadedRuleFile; index: number }>();
  const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: resolveDottedPath, replaceFactsInEventParams: false });
  files.forEach((file, fileIndex) => {
    file.content.rules.forEach((rule, index) => {
      const name = `${fileIndex}:${index}`;
      byName.set(name, { file, index });
      const properties: RuleProperties = {
        name,
        conditions: rule.conditions as RuleProperties['conditions'],
        event: { type: rule.event.type },
      };
      if (rule.priority !== undefined) properties.priority = rule.priority;
      engine.addRule(properties);
    });
  });
  const { results } = await engine.run({ ...facts });
  const fired = results
    .map((result) => byName.get(String(result.name)))
    .filter((entry): entry is { file: LoadedRuleFile; index: number } => entry !== undefined);
  // Results come in completion order; sort so explanations read like the files.
  fired.sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.index - b.index);
  return fired.map(({ file, index }) => {
    const rule = file.content.rules[index]!;
    return { type: rule.event.type, params: rule.event.params, file, rule: rule.name };
  });
}
