import { DomainError } from '../domain-error.ts';
import { formatIssue, type RuleIssue } from './safe-json.ts';

/** A rule set failed validation; it was not loaded and the previous one stays in use. */
export class RuleSetInvalidError extends DomainError {
  constructor(readonly issues: readonly RuleIssue[]) {
    super(`rule set is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map(formatIssue).join('\n')}`, 'rule-set-invalid');
  }
}

/** No version of a required policy covers the instant asked for. */
export class NoRuleSetInForceError extends DomainError {
  constructor(
    readonly at: string,
    readonly missingPolicies: readonly string[],
  ) {
    super(`no rule file in force at ${at} for polic${missingPolicies.length === 1 ? 'y' : 'ies'}: ${missingPolicies.join(', ')}`, 'no-rules-in-force');
  }
}

/**
 * An instant that Date.parse cannot read. The date-time format admits some
 * ("+05" offsets, leap seconds), so schema-valid input can still reach here.
 */
export class UnreadableInstantError extends DomainError {
  constructor(what: string) {
    super(`${what} cannot be read as an instant; write it like "2026-12-01T00:00:00-05:00"`, 'invalid-request');
  }
}
