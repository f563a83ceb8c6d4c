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
