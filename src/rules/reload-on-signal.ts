import type { Logger } from '../logger.ts';
import { RuleSetInvalidError } from './rule-errors.ts';
import type { RuleRegistry } from './rule-registry.ts';
import type { RuleSet } from './rule-set.ts';

/**
 * `kill -HUP <pid>` loads RULES_DIR again, as POST /v1/rules/reload does for
 * one API process: the way to reach workers (which have no API) and every
 * instance behind a load balancer. An invalid set is logged with every
 * problem and the current set stays.
 */
export function reloadRulesOnSighup(rules: RuleRegistry, onLoaded: (ruleSet: RuleSet) => void, logger: Logger): void {
  process.on('SIGHUP', () => {
    rules.reload().then(
      (ruleSet) => {
        onLoaded(ruleSet);
        logger.info({ hash: ruleSet.hash, files: ruleSet.refs().map((ref) => `${ref.id}@${ref.version}`) }, 'rule set reloaded (SIGHUP)');
      },
      (error: unknown) => {
        const problems = error instanceof RuleSetInvalidError ? error.issues : undefined;
        logger.error({ err: error, problems }, 'rule set NOT reloaded (SIGHUP): it is invalid, the current set stays');
      },
    );
  });
}
