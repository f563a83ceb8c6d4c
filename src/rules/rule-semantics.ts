import { parseDecimal, compareDecimal } from '../money/decimal.ts';
import { isKnownCurrency, POINTS } from '../money/currency.ts';
import { parseMajorUnits } from '../money/money.ts';
import { EFFECT_CATALOG } from './effect-catalog.ts';
import { NUMERIC_OPERATORS, factPathSpec, pathsOfFact, type FactPathSpec } from './fact-catalog.ts';
import { RULE_FILE_LIMITS } from './rule-file-schema.ts';
import type { ConditionNode, RuleDefinition, RuleFileContent } from './rule-file.ts';
import { resolveCampaignWindow } from './campaign-window.ts';
import { suggestion } from './did-you-mean.ts';
import type { RuleIssue } from './safe-json.ts';

type Report = (pointer: string, message: string) => void;

/** Checks a schema-valid file for what a schema cannot express. */
export function semanticIssues(file: string, content: RuleFileContent): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const report: Report = (pointer, message) => issues.push({ file, pointer, message });

  // The date-time format admits forms Date.parse cannot read ("+05", leap
  // second 23:59:60); such a file would have no instant and never be in force.
  const from = Date.parse(content.effectiveFrom);
  if (Number.isNaN(from)) report('/effectiveFrom', unreadableInstant(content.effectiveFrom));
  if (content.effectiveUntil !== undefined) {
    const until = Date.parse(content.effectiveUntil);
    if (Number.isNaN(until)) report('/effectiveUntil', unreadableInstant(content.effectiveUntil));
    else if (until <= from) report('/effectiveUntil', `effectiveUntil (${content.effectiveUntil}) must be after effectiveFrom (${content.effectiveFrom})`);
  }
  if (content.campaign) checkCampaign(content.campaign, report);

  const names = new Map<string, number>();
  content.rules.forEach((rule, index) => {
    const at = `/rules/${index}`;
    const earlier = names.get(rule.name);
    if (earlier !== undefined) report(`${at}/name`, `rule name "${rule.name}" is already used by /rules/${earlier}; names must be unique in a file`);
    names.set(rule.name, index);
    checkConditionRoot(rule.conditions, `${at}/conditions`, report);
    checkEffect(content, rule, at, report);
  });
  if (content.policy === 'tiers') checkTierReachability(content.rules, report);
  return issues;
}

function unreadableInstant(text: string): string {
  return `"${text}" cannot be read as an instant; write it like "2026-12-01T00:00:00-05:00"`;
}

function checkCampaign(campaign: NonNullable<RuleFileContent['campaign']>, report: Report): void {
  const window = resolveCampaignWindow(campaign.window);
  if (!window.ok) report(window.pointer, window.message);
  for (const [currency, amount] of Object.entries(campaign.budget ?? {})) {
    checkAmount(currency, amount, `/campaign/budget/${currency}`, report, true);
  }
}

function checkAmount(currency: string, amount: string, pointer: string, report: Report, allowPoints = false): bigint | undefined {
  if (!isKnownCurrency(currency) || (currency === POINTS && !allowPoints)) {
    report(pointer, `unknown currency "${currency}"; use an ISO 4217 code such as "USD"${allowPoints ? ' (or "PTS" for points)' : ''}`);
    return undefined;
  }
  try {
    return parseMajorUnits(amount, currency);
  } catch (error) {
    report(pointer, (error as Error).message);
    return undefined;
  }
}

// ---- conditions ------------------------------------------------------------

function checkConditionRoot(node: ConditionNode, pointer: string, report: Report): void {
  const kinds = (['all', 'any', 'not'] as const).filter((key) => node[key] !== undefined);
  if (kinds.length !== 1 || node.fact !== undefined) {
    report(pointer, 'the top of "conditions" must be exactly one of "all", "any" or "not"');
    return;
  }
  checkNode(node, pointer, 1, report);
}

function checkNode(node: ConditionNode, pointer: string, depth: number, report: Report): void {
  if (depth > RULE_FILE_LIMITS.maxConditionDepth) {
    report(pointer, `conditions are nested ${depth} deep; the limit is ${RULE_FILE_LIMITS.maxConditionDepth}`);
    return;
  }
  const groups = (['all', 'any', 'not'] as const).filter((key) => node[key] !== undefined);
  const leafKeys = (['fact', 'path', 'operator', 'value'] as const).filter((key) => node[key] !== undefined);
  if (groups.length > 1 || (groups.length === 1 && leafKeys.length > 0)) {
    report(pointer, 'a condition is either a group ("all", "any" or "not") or a test ("fact", "path", "operator", "value"), not both');
    return;
  }
  if (node.all) {
    node.all.forEach((child, i) => checkNode(child, `${pointer}/all/${i}`, depth + 1, report));
    checkContradictions(node.all, `${pointer}/all`, report);
  } else if (node.any) {
    node.any.forEach((child, i) => checkNode(child, `${pointer}/any/${i}`, depth + 1, report));
  } else if (node.not) {
    checkNode(node.not, `${pointer}/not`, depth + 1, report);
  } else {
    checkLeaf(node, pointer, report);
  }
}

function checkLeaf(node: ConditionNode, pointer: string, report: Report): void {
  for (const key of ['fact', 'path', 'operator', 'value'] as const) {
    if (node[key] === undefined) {
      report(pointer, `missing required property "${key}"`);
      return;
    }
  }
  const spec = factPathSpec(node.fact!, node.path!);
  if (!spec) {
    report(`${pointer}/path`, `"${node.path}" is not a path of fact "${node.fact}"${suggestion(node.path!, pathsOfFact(node.fact!))}`);
    return;
  }
  const problem = operandProblem(spec, node.operator!, node.value!);
  if (problem) report(`${pointer}/value`, `${node.fact}${node.path!.slice(1)} ${problem}`);
}

function operandProblem(spec: FactPathSpec, operator: string, value: NonNullable<ConditionNode['value']>): string | undefined {
  const scalarType = spec.type === 'string[]' ? 'string' : spec.type;
  if (NUMERIC_OPERATORS.has(operator)) {
    if (spec.type !== 'integer' && spec.type !== 'number') return `is ${spec.type}; "${operator}" compares numbers`;
    return typeof value === 'number' ? undefined : `is a number; "${operator}" needs a number value, got ${JSON.stringify(value)} (write 10, not "10")`;
  }
  if (operator === 'contains' || operator === 'doesNotContain') {
    if (spec.type !== 'string[]') return `is not a list; "${operator}" works on lists such as order.categories`;
    return typeof value === 'string' ? undefined : `"${operator}" needs a single string value`;
  }
  if (spec.type === 'string[]') return `is a list; use "contains" or "doesNotContain"`;
  const values = operator === 'in' || operator === 'notIn' ? value : [value];
  if (!Array.isArray(values)) return `"${operator}" needs a list value, e.g. ["a", "b"]`;
  if (operator !== 'in' && operator !== 'notIn' && Array.isArray(value)) return `"${operator}" needs a single value, not a list`;
  for (const item of values) {
    if (!matchesType(scalarType, item)) return `is ${scalarType}; ${JSON.stringify(item)} can never match it`;
    if (spec.values && !spec.values.includes(item as string)) {
      return `has no value ${JSON.stringify(item)}${suggestion(String(item), spec.values)}`;
    }
  }
  return undefined;
}

function matchesType(type: string, value: unknown): boolean {
  if (type === 'integer') return Number.isInteger(value);
  return typeof value === type;
}

interface Bounds {
  lower?: { value: number; inclusive: boolean; at: string };
  upper?: { value: number; inclusive: boolean; at: string };
  equal?: { value: unknown; at: string };
}

/** Finds tests in one "all" group that can never hold together, such as x >= 10 and x < 5. */
function checkContradictions(children: ConditionNode[], pointer: string, report: Report): void {
  const byTarget = new Map<string, Bounds>();
  children.forEach((child, index) => {
    if (child.fact === undefined || child.path === undefined || child.operator === undefined) return;
    const target = `${child.fact}${child.path.slice(1)}`;
    const bounds = byTarget.get(target) ?? {};
    byTarget.set(target, bounds);
    const at = `${pointer}/${index}`;
    const value = child.value;
    if (child.operator === 'equal') {
      if (bounds.equal && bounds.equal.value !== value) {
        report(at, `${target} cannot equal both ${JSON.stringify(bounds.equal.value)} (${bounds.equal.at}) and ${JSON.stringify(value)}; this rule can never fire`);
      }
      bounds.equal = { value, at };
    }
    if (typeof value !== 'number') return;
    if (child.operator === 'greaterThan' || child.operator === 'greaterThanInclusive') {
      bounds.lower = tighter(bounds.lower, { value, inclusive: child.operator === 'greaterThanInclusive', at }, 1);
    } else if (child.operator === 'lessThan' || child.operator === 'lessThanInclusive') {
      bounds.upper = tighter(bounds.upper, { value, inclusive: child.operator === 'lessThanInclusive', at }, -1);
    }
  });
  for (const [target, { lower, upper, equal }] of byTarget) {
    if (lower && upper) {
      const empty = lower.value > upper.value || (lower.value === upper.value && !(lower.inclusive && upper.inclusive));
      if (empty) report(upper.at, `${target} cannot be ${lower.inclusive ? '>=' : '>'} ${lower.value} (${lower.at}) and ${upper.inclusive ? '<=' : '<'} ${upper.value} at once; this rule can never fire`);
    }
    if (equal && typeof equal.value === 'number') {
      const belowLower = lower && (equal.value < lower.value || (equal.value === lower.value && !lower.inclusive));
      const aboveUpper = upper && (equal.value > upper.value || (equal.value === upper.value && !upper.inclusive));
      if (belowLower || aboveUpper) report(equal.at, `${target} equal ${equal.value} contradicts the other bounds in this group; this rule can never fire`);
    }
  }
}

function tighter<T extends { value: number; inclusive: boolean }>(current: T | undefined, next: T, direction: 1 | -1): T {
  if (!current) return next;
  if (next.value * direction > current.value * direction) return next;
  if (next.value === current.value && !next.inclusive) return next;
  return current;
}

// ---- effects ---------------------------------------------------------------

function checkEffect(content: RuleFileContent, rule: RuleDefinition, at: string, report: Report): void {
  const { type, params } = rule.event;
  const entry = EFFECT_CATALOG[type];
  if (!(entry.policies as readonly string[]).includes(content.policy)) {
    report(`${at}/event/type`, `effect "${type}" is not allowed in a ${content.policy} policy file; it belongs in: ${entry.policies.join(', ')}`);
  }
  const paramsAt = `${at}/event/params`;
  for (const key of ['percent', 'cashbackPercent', 'percentOfSubtotal', 'factor'] as const) {
    if (typeof params[key] === 'number') checkDecimal(params[key] as number, `${paramsAt}/${key}`, report);
  }
  if (type === 'referee-discount') checkRefereeDiscount(params, paramsAt, report);
}

function checkDecimal(value: number, pointer: string, report: Report): void {
  try {
    if (parseDecimal(value).scale > 4) report(pointer, `${value} has more than 4 decimal places`);
  } catch (error) {
    report(pointer, (error as Error).message);
  }
}

function checkRefereeDiscount(params: Record<string, unknown>, at: string, report: Report): void {
  const minimums = params.minEligibleSubtotal as Record<string, string>;
  const caps = params.maxDiscount as Record<string, string>;
  for (const [currency, amount] of Object.entries(minimums)) {
    checkAmount(currency, amount, `${at}/minEligibleSubtotal/${currency}`, report);
    if (!Object.hasOwn(caps, currency)) report(`${at}/maxDiscount`, `no cap for ${currency}; add "${currency}" to maxDiscount (every currency with a minimum needs a cap)`);
  }
  for (const [currency, amount] of Object.entries(caps)) {
    const cap = checkAmount(currency, amount, `${at}/maxDiscount/${currency}`, report);
    if (!Object.hasOwn(minimums, currency)) report(`${at}/maxDiscount/${currency}`, `a cap for ${currency} without a minimum is never used; add "${currency}" to minEligibleSubtotal or remove the cap`);
    if (cap === 0n) report(`${at}/maxDiscount/${currency}`, `a cap of 0 makes the discount always 0; remove ${currency} instead`);
  }
}

/**
 * The best matching tier wins, so a tier that needs more successful referrals
 * but pays no more than an easier one can never be the one that applies.
 */
function checkTierReachability(rules: RuleDefinition[], report: Report): void {
  const tiers = rules
    .map((rule, index) => ({ index, threshold: tierThreshold(rule.conditions), percent: rule.event.params.cashbackPercent }))
    .filter((tier): tier is { index: number; threshold: number; percent: number } => tier.threshold !== undefined && typeof tier.percent === 'number')
    .sort((a, b) => a.threshold - b.threshold);
  // Compare with the best-paying easier tier, not only the next one down: with
  // 0 → 3%, 10 → 1%, 50 → 2%, the 50 tier beats the 10 tier yet never applies.
  let best: (typeof tiers)[number] | undefined;
  tiers.forEach((harder, i) => {
    const previous = tiers[i - 1];
    if (previous && harder.threshold === previous.threshold) {
      report(`/rules/${harder.index}/conditions`, `two tiers start at ${harder.threshold} successful referrals (/rules/${previous.index} too); give each tier its own threshold`);
    } else if (best && compareDecimal(parseDecimal(harder.percent), parseDecimal(best.percent)) <= 0) {
      report(`/rules/${harder.index}/event/params/cashbackPercent`, `this tier needs ${harder.threshold} successful referrals but pays ${harder.percent}%, no more than the tier from ${best.threshold} (${best.percent}%), so it can never apply; raise its rate`);
    }
    if (!best || compareDecimal(parseDecimal(harder.percent), parseDecimal(best.percent)) > 0) best = harder;
  });
}

function tierThreshold(conditions: ConditionNode): number | undefined {
  for (const child of conditions.all ?? []) {
    if (child.fact !== 'referrer' || child.path !== '$.successfulReferrals' || typeof child.value !== 'number') continue;
    if (child.operator === 'greaterThanInclusive') return child.value;
    if (child.operator === 'greaterThan') return child.value + 1;
  }
  return undefined;
}
