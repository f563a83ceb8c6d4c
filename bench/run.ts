import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { benchRuleEvaluation } from './rule-evaluation.ts';

/**
 * `npm run bench`: every figure beside its baseline measured in the same run,
 * as a ratio (shared machines drift; ratios hold). Correctness checks fail the
 * bench: a fast wrong answer is not a result.
 */
const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
const rows: Array<[string, string, string, string, string]> = [];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

const rules = await benchRuleEvaluation();
rows.push(['rule evaluation (evals/s)', fmt(rules.productionPerSecond), `hand-written reference ${fmt(rules.referencePerSecond)}`, pct(rules.productionVsReference), '>= 10%']);
rows.push(['  vs plain json-rules-engine', fmt(rules.productionPerSecond), `json-rules-engine defaults ${fmt(rules.jsonRulesEngineDefaultPerSecond)}`, `${rules.productionVsJsonRulesEngine.toFixed(1)}x`, '']);
rows.push(['  definition path (json-rules-engine, safe paths)', fmt(rules.definitionPathPerSecond), '', '', '']);

const header: [string, string, string, string, string] = ['measure', 'result', 'baseline (same run)', 'ratio', 'target'];
const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
console.log(`\nmachine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`);

await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/latest.json', import.meta.url), JSON.stringify({ at: new Date().toISOString(), machine, ruleEvaluation: rules }, null, 2));

if (rules.mismatches > 0) {
  console.error(`FAIL: ${rules.mismatches} results differ from the reference program`);
  process.exit(1);
}
