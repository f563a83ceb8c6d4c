import type { EffectType, PolicyName } from './effect-catalog.ts';

/** A condition node as written in a rule file (json-rules-engine's format, restricted). */
export interface ConditionNode {
  all?: ConditionNode[];
  any?: ConditionNode[];
  not?: ConditionNode;
  fact?: string;
  path?: string;
  operator?: string;
  value?: string | number | boolean | Array<string | number | boolean>;
}

export interface RuleDefinition {
  name: string;
  description?: string;
  priority?: number;
  conditions: ConditionNode;
  event: { type: EffectType; params: Record<string, unknown> };
}

export interface CampaignDefinition {
  name: string;
  window: { start: string; end: string; timeZone: string };
  /** Major-unit amounts per currency ("PTS" for points). */
  budget?: Record<string, string>;
}

export interface ReferralSettings {
  attributionWindowDays: number;
  holdDays: number;
}

/** A validated rule file as it is on disk. */
export interface RuleFileContent {
  $schema?: string;
  id: string;
  policy: PolicyName;
  version: number;
  effectiveFrom: string;
  effectiveUntil?: string;
  description: string;
  settings?: ReferralSettings;
  campaign?: CampaignDefinition;
  rules: RuleDefinition[];
}

/** A loaded rule file: content plus where it came from and its content hash. */
export interface LoadedRuleFile {
  /** Path as shown to marketers, e.g. "rules/campaigns/holiday-2026.json". */
  readonly file: string;
  /** sha256 of the file's bytes, hex. */
  readonly hash: string;
  readonly content: RuleFileContent;
  /** effectiveFrom / effectiveUntil as epoch milliseconds. */
  readonly from: number;
  readonly until: number | undefined;
}

/** Where a rule file contributed to a result. */
export interface RuleFileRef {
  file: string;
  id: string;
  policy: PolicyName;
  version: number;
  hash: string;
}
