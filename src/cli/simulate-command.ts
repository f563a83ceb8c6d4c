import { rewardResultToJson, toNumber } from '../engine/result-json.ts';
import { loadRuleSet } from '../rules/rule-set-loader.ts';
import type { CliIo } from './cli-io.ts';
import { evaluatePurchaseLines, type PurchaseOutcome } from './evaluate-purchase-lines.ts';
import { formatOutcome } from './format-result.ts';
import { formatTotals } from './format-totals.ts';
import { readEventsFile } from './read-events-file.ts';
import { sumRewards } from './reward-totals.ts';

export interface SimulateOptions {
  events: string;
  rules: string;
  json?: boolean;
}

/**
 * `rules simulate`: evaluates every purchase of an events file under a rules
 * folder and prints each result and the totals per reward kind and currency.
 * @returns the exit code (0; a bad rule set or events file throws and becomes 1).
 */
export async function simulateCommand(io: CliIo, options: SimulateOptions): Promise<number> {
  const ruleSet = await loadRuleSet(options.rules);
  const purchases = await readEventsFile(options.events);
  const outcomes = await evaluatePurchaseLines(ruleSet, purchases);
  if (options.json) printJson(io, outcomes);
  else printText(io, outcomes);
  return 0;
}

function printText(io: CliIo, outcomes: readonly PurchaseOutcome[]): void {
  for (const outcome of outcomes) {
    for (const line of formatOutcome(outcome)) io.out(line);
    io.out('');
  }
  const skipped = outcomes.filter((outcome) => outcome.skipped !== undefined).length;
  io.out(`Totals over ${outcomes.length - skipped} purchase${outcomes.length - skipped === 1 ? '' : 's'} (${skipped} skipped)`);
  for (const line of formatTotals(sumRewards(outcomes))) io.out(line);
}

/** One JSON object per line: each purchase, then a last line with the totals. */
function printJson(io: CliIo, outcomes: readonly PurchaseOutcome[]): void {
  for (const { purchase, result, skipped } of outcomes) {
    const base = { id: purchase.label, line: purchase.line };
    io.out(JSON.stringify(result ? { ...base, result: rewardResultToJson(result) } : { ...base, skipped }));
  }
  const totals = sumRewards(outcomes).map((total) => ({ ...total, amount: toNumber(total.amount) }));
  const skipped = outcomes.filter((outcome) => outcome.skipped !== undefined).length;
  io.out(JSON.stringify({ totals, evaluated: outcomes.length - skipped, skipped }));
}
