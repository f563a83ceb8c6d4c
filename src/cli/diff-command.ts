import { toNumber } from '../engine/result-json.ts';
import { RuleSetInvalidError } from '../rules/rule-errors.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import { loadRuleSet } from '../rules/rule-set-loader.ts';
import { printIssues, type CliIo } from './cli-io.ts';
import { compareOutcomes, type AmountChange, type PurchaseChange } from './compare-outcomes.ts';
import { evaluatePurchaseLines, type PurchaseOutcome } from './evaluate-purchase-lines.ts';
import { purchaseHeading, formatAmount, formatTier } from './format-result.ts';
import { formatSigned, formatTotalChanges } from './format-totals.ts';
import { readEventsFile } from './read-events-file.ts';
import { compareTotals, sumRewards, type TotalChange } from './reward-totals.ts';

export interface DiffOptions {
  from: string;
  to: string;
  events: string;
  json?: boolean;
}

/**
 * `rules diff`: evaluates the same purchases under two rules folders and shows
 * the purchases that come out differently and how the totals move.
 * @returns the exit code: 0, or 1 when either rule set is invalid.
 */
export async function diffCommand(io: CliIo, options: DiffOptions): Promise<number> {
  // One after the other, so the problems of --from print before those of --to.
  const from = await loadOrReport(io, options.from);
  const to = await loadOrReport(io, options.to);
  if (!from || !to) return 1;
  const purchases = await readEventsFile(options.events);
  const before = await evaluatePurchaseLines(from, purchases);
  const after = await evaluatePurchaseLines(to, purchases);
  const changed = compareOutcomes(before, after);
  const totals = compareTotals(sumRewards(before), sumRewards(after));
  if (options.json) printJson(io, changed, totals, purchases.length);
  else printText(io, options, changed, totals, purchases.length);
  return 0;
}

async function loadOrReport(io: CliIo, dir: string): Promise<RuleSet | undefined> {
  try {
    return await loadRuleSet(dir);
  } catch (error) {
    if (!(error instanceof RuleSetInvalidError)) throw error;
    io.err(`The rules in ${dir} are invalid:`);
    printIssues(io, error);
    return undefined;
  }
}

function printText(io: CliIo, options: DiffOptions, changed: readonly PurchaseChange[], totals: readonly TotalChange[], purchaseCount: number): void {
  io.out(`Comparing ${options.from} → ${options.to} over ${purchaseCount} purchase${purchaseCount === 1 ? '' : 's'}`);
  io.out('');
  for (const change of changed) {
    io.out(purchaseHeading(change.after));
    for (const line of describeChange(change)) io.out(`  ${line}`);
    io.out('');
  }
  io.out(`${changed.length} of ${purchaseCount} purchase${purchaseCount === 1 ? '' : 's'} changed`);
  io.out('Totals');
  for (const line of formatTotalChanges(totals)) io.out(line);
}

function describeChange({ before, after, changes }: PurchaseChange): string[] {
  const lines: string[] = [];
  if (before.skipped !== undefined) lines.push(`before: skipped: ${before.skipped}`);
  if (after.skipped !== undefined) lines.push(`after: skipped: ${after.skipped}`);
  for (const change of changes) {
    const delta = formatSigned(change.after - change.before, change.currency);
    lines.push(`${changeName(change)}: ${formatAmount(change.before, change.currency)} → ${formatAmount(change.after, change.currency)} (${delta})`);
  }
  if (before.result && after.result && formatTier(before.result) !== formatTier(after.result)) {
    lines.push(`tier: ${formatTier(before.result)} → ${formatTier(after.result)}`);
  }
  return lines;
}

function changeName(change: AmountChange): string {
  return change.campaignId ? `${change.kind} (campaign ${change.campaignId})` : change.kind;
}

/** One JSON object per changed purchase, then a last line with the totals. */
function printJson(io: CliIo, changed: readonly PurchaseChange[], totals: readonly TotalChange[], purchaseCount: number): void {
  for (const { before, after, changes } of changed) {
    io.out(JSON.stringify({
      id: after.purchase.label,
      line: after.purchase.line,
      before: sideJson(before),
      after: sideJson(after),
      changes: changes.map((change) => ({ ...change, before: toNumber(change.before), after: toNumber(change.after) })),
    }));
  }
  io.out(JSON.stringify({
    totals: totals.map((total) => ({ ...total, before: toNumber(total.before), after: toNumber(total.after), delta: toNumber(total.after - total.before) })),
    changed: changed.length,
    purchases: purchaseCount,
  }));
}

function sideJson(outcome: PurchaseOutcome) {
  if (!outcome.result) return { skipped: outcome.skipped };
  const { refereeDiscount, total, tier, rewards } = outcome.result;
  return {
    refereeDiscount: toNumber(refereeDiscount),
    total: toNumber(total),
    tier: tier ?? null,
    rewards: rewards.map((reward) => ({ kind: reward.kind, amount: toNumber(reward.amount), currency: reward.currency, campaignId: reward.campaignId ?? null })),
  };
}
