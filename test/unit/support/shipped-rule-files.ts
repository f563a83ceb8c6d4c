import campaign from '../../../rules/campaigns/holiday-2026.json' with { type: 'json' };
import fraud from '../../../rules/fraud/fraud-v1.json' with { type: 'json' };
import referral from '../../../rules/referral/referral-v1.json' with { type: 'json' };
import stacking from '../../../rules/stacking/stacking-v1.json' with { type: 'json' };
import tiers from '../../../rules/tiers/tiers-v1.json' with { type: 'json' };
import type { RuleSource } from '../../../src/rules/rule-set-loader.ts';

/**
 * Tests edit rule files in memory the way a marketer edits them on disk:
 * anywhere, into any shape, including invalid ones. A typed view would reject
 * exactly the edits these tests are about, so the content is loosely typed.
 */
export type EditableRuleFile = any;

export const SHIPPED_PATHS = {
  campaign: 'rules/campaigns/holiday-2026.json',
  fraud: 'rules/fraud/fraud-v1.json',
  referral: 'rules/referral/referral-v1.json',
  stacking: 'rules/stacking/stacking-v1.json',
  tiers: 'rules/tiers/tiers-v1.json',
} as const;

export type ShippedName = keyof typeof SHIPPED_PATHS;

const SHIPPED: Record<ShippedName, unknown> = { campaign, fraud, referral, stacking, tiers };

/** Fresh deep copies of the shipped program, keyed by path, safe to edit. */
export function shippedRuleFiles(): Record<string, EditableRuleFile> {
  return Object.fromEntries(
    (Object.keys(SHIPPED_PATHS) as ShippedName[]).map((name) => [SHIPPED_PATHS[name], structuredClone(SHIPPED[name])]),
  );
}

/** Serializes edited files as the loader would read them; a string value is used verbatim. */
export function toSources(files: Record<string, EditableRuleFile>): RuleSource[] {
  return Object.entries(files)
    .filter(([, content]) => content !== undefined)
    .map(([file, content]) => ({ file, text: typeof content === 'string' ? content : JSON.stringify(content, null, 2) }));
}
