import type { Logger } from '../logger.ts';
import { RuleSetInvalidError } from './rule-errors.ts';
import type { RuleRegistry } from './rule-registry.ts';
import type { RuleSet } from './rule-set.ts';

/**
 * Loads RULES_DIR again and logs the outcome: the new hash, or every problem
 * with the current set kept. For reloads nobody waits on (a signal, another
 * instance's announcement), so it never throws.
 */
export async function reloadAndLog(rules: RuleRegistry, onLoaded: (ruleSet: RuleSet) => void, logger: Logger, trigger: string): Promise<void> {
  try {
    const ruleSet = await rules.reload();
    onLoaded(ruleSet);
    logger.info({ hash: ruleSet.hash, files: ruleSet.refs().map((ref) => `${ref.id}@${ref.version}`) }, `rule set reloaded (${trigger})`);
  } catch (error) {
    const problems = error instanceof RuleSetInvalidError ? error.issues : undefined;
    logger.error({ err: error, problems }, `rule set NOT reloaded (${trigger}): it is invalid, the current set stays`);
  }
}

/**
 * `kill -HUP <pid>` loads RULES_DIR again, as POST /v1/rules/reload does for
 * one API process: the way to reach a process by hand (a worker has no API).
 */
export function reloadRulesOnSighup(rules: RuleRegistry, onLoaded: (ruleSet: RuleSet) => void, logger: Logger): void {
  process.on('SIGHUP', () => void reloadAndLog(rules, onLoaded, logger, 'SIGHUP'));
}
