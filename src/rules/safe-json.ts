import { RULE_FILE_LIMITS } from './rule-file-schema.ts';

/** A problem found in a rule file: where (JSON pointer) and what, phrased for a marketer. */
export interface RuleIssue {
  file: string;
  pointer: string;
  message: string;
}

export function formatIssue(issue: RuleIssue): string {
  return `${issue.file}#${issue.pointer}: ${issue.message}`;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type SafeParseResult = { ok: true; value: unknown } | { ok: false; issues: RuleIssue[] };

/**
 * Parses a rule file as data only: bounded size, no prototype-polluting keys
 * anywhere, bounded nesting. JSON.parse keeps "__proto__" as an own key, so we
 * can find and refuse it before anything reads the object.
 */
export function parseRuleJson(file: string, text: string): SafeParseResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > RULE_FILE_LIMITS.maxBytes) {
    return fail(file, '', `file is ${bytes} bytes; the limit is ${RULE_FILE_LIMITS.maxBytes}. Split it into several files.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(file, '', `not valid JSON: ${(error as Error).message}`);
  }
  const issues: RuleIssue[] = [];
  walk(value, '', 0, (pointer, message) => issues.push({ file, pointer, message }));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value };
}

const MAX_JSON_DEPTH = 4 + RULE_FILE_LIMITS.maxConditionDepth * 2 + 4;

function walk(value: unknown, pointer: string, depth: number, report: (pointer: string, message: string) => void): void {
  if (depth > MAX_JSON_DEPTH) {
    report(pointer, `nested too deeply (more than ${MAX_JSON_DEPTH} levels); flatten the conditions`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, `${pointer}/${index}`, depth + 1, report));
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const child = `${pointer}/${escapePointer(key)}`;
      if (FORBIDDEN_KEYS.has(key)) {
        report(child, `the key "${key}" is not allowed in rule files; remove it`);
        continue;
      }
      walk((value as Record<string, unknown>)[key], child, depth + 1, report);
    }
  }
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function fail(file: string, pointer: string, message: string): SafeParseResult {
  return { ok: false, issues: [{ file, pointer, message }] };
}
