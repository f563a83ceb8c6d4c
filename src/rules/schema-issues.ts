import type { ErrorObject } from 'ajv';
import { createAjv } from '../validation/create-ajv.ts';
import { EFFECT_TYPES, POLICIES } from './effect-catalog.ts';
import { FACT_NAMES, FACT_PATHS, OPERATORS } from './fact-catalog.ts';
import { RULE_FILE_SCHEMA } from './rule-file-schema.ts';
import { escapePointer, type RuleIssue } from './safe-json.ts';
import { suggestion } from './did-you-mean.ts';

// verbose: errors carry their parentSchema (the allowed keys behind "did you
// mean") and their schema (which key a `not` refused).
const validate = createAjv({ verbose: true }).compile(RULE_FILE_SCHEMA);

const ENUM_NOUNS: Record<string, { noun: string; values: readonly string[] }> = {
  fact: { noun: 'fact', values: FACT_NAMES },
  path: { noun: 'path', values: FACT_PATHS },
  operator: { noun: 'operator', values: OPERATORS },
  type: { noun: 'effect type', values: EFFECT_TYPES },
  policy: { noun: 'policy', values: POLICIES },
};

const PATTERN_HINTS: Record<string, string> = {
  id: 'must be lowercase letters, digits and dashes, 2–64 characters, e.g. "holiday-2026"',
  name: 'must be lowercase letters, digits and dashes, e.g. "referee-first-order-discount"',
  start: 'must be a local date and time without offset, e.g. "2026-12-20T00:00" (the zone is timeZone)',
  end: 'must be a local date and time without offset, e.g. "2027-01-03T00:00" (the zone is timeZone)',
  tier: 'must be lowercase letters, digits and dashes, e.g. "silver"',
};

/** Runs the JSON Schema and turns ajv's errors into messages a marketer can act on. */
export function schemaIssues(file: string, value: unknown): RuleIssue[] {
  if (validate(value)) return [];
  const seen = new Set<string>();
  const issues: RuleIssue[] = [];
  for (const error of validate.errors ?? []) {
    const issue = toIssue(file, error, value);
    if (!issue) continue;
    const key = `${issue.pointer}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function toIssue(file: string, error: ErrorObject, root: unknown): RuleIssue | undefined {
  const pointer = error.instancePath;
  const field = pointer.split('/').pop() ?? '';
  const actual = valueAt(root, pointer);
  switch (error.keyword) {
    case 'if':
    case 'anyOf':
      return error.keyword === 'anyOf'
        ? { file, pointer, message: `must be a string, number, boolean or a list of them, got ${describe(actual)}` }
        : undefined;
    case 'not':
      return notIssue(file, pointer, root, error.schema);
    case 'additionalProperties': {
      const extra = String(error.params.additionalProperty);
      const allowed = allowedKeys(error.parentSchema);
      return {
        file,
        pointer: `${pointer}/${escapePointer(extra)}`,
        message: `unknown property "${extra}"${suggestion(extra, allowed)}; remove it or fix its name`,
      };
    }
    case 'required':
      return { file, pointer, message: `missing required property "${String(error.params.missingProperty)}"` };
    case 'enum': {
      const known = ENUM_NOUNS[field];
      const values = known?.values ?? (error.params.allowedValues as string[]);
      return {
        file,
        pointer,
        message: `unknown ${known?.noun ?? 'value'} ${JSON.stringify(actual)}${suggestion(String(actual), values)}`,
      };
    }
    case 'pattern':
      if (pointer.includes('/minEligibleSubtotal/') || pointer.includes('/maxDiscount/') || pointer.includes('/budget/')) {
        return { file, pointer, message: `amount ${JSON.stringify(actual)} must be written as text in major units, e.g. "20.00"` };
      }
      return { file, pointer, message: `${JSON.stringify(actual)} ${PATTERN_HINTS[field] ?? `does not match ${String(error.params.pattern)}`}` };
    case 'propertyNames':
      return undefined; // reported by the nested `pattern` error with a better pointer
    case 'format':
      return {
        file,
        pointer,
        message: `${JSON.stringify(actual)} must be an ISO 8601 date-time with an offset, e.g. "2026-12-20T00:00:00-05:00"`,
      };
    case 'type':
      // Each branch of an anyOf reports its own type; the anyOf message says it once.
      if (/\/anyOf\/\d+\/type$/.test(error.schemaPath)) return undefined;
      return { file, pointer, message: `must be ${article(String(error.params.type))}, got ${describe(actual)}` };
    default:
      return { file, pointer, message: `${error.message ?? 'is invalid'}${actual === undefined ? '' : `, got ${describe(actual)}`}` };
  }
}

function notIssue(file: string, pointer: string, root: unknown, schema: unknown): RuleIssue {
  const policy = (root as { policy?: unknown }).policy;
  // The refused key is the one the `not` requires: { required: ["settings"] }.
  const key = (schema as { required?: string[] } | undefined)?.required?.[0] === 'settings' ? 'settings' : 'campaign';
  const owner = key === 'settings' ? 'referral' : 'campaign';
  return { file, pointer: `${pointer}/${key}`, message: `"${key}" belongs only in a ${owner} policy file; this file's policy is "${String(policy)}"` };
}

function allowedKeys(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function article(type: string): string {
  const words = type.split(',');
  return words.map((word) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`)).join(' or ');
}

