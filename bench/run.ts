import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { benchRuleEvaluation, type RuleEvaluationFigures } from './rule-evaluation.ts';
import { benchCheckoutQuote, type CheckoutQuoteFigures } from './checkout-quote.ts';
import { benchEventPipeline, type EventPipelineFigures } from './event-pipeline.ts';
import { benchHistory, type HistoryFigures } from './history.ts';
import { createBenchDatabase, type BenchDatabase } from './support/bench-database.ts';

/**
 * `npm run bench` (or `npm run bench -- --only quote`, repeatable; parts:
 * rules, quote, pipeline, history; `--concurrency N` sets the pipeline's worker
 * concurrency, the same for the no-op baseline): every figure beside its baseline measured
 * in the same run, as a ratio (shared machines drift; ratios hold).
 * Correctness checks fail the bench: a fast wrong answer is not a result.
 * Each database part gets its own `referral_bench_*` database and queue
 * prefix, dropped and obliterated at the end.
 */
const PARTS = ['rules', 'quote', 'pipeline', 'history'] as const;
type Part = (typeof PARTS)[number];
const { values } = parseArgs({ options: { only: { type: 'string', multiple: true }, concurrency: { type: 'string' } } });
const only = (values.only ?? []) as string[];
for (const part of only) if (!PARTS.includes(part as Part)) throw new Error(`--only ${part}: expected one of ${PARTS.join(', ')}`);
const runs = (part: Part) => only.length === 0 || only.includes(part);

const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
const rows: Array<[string, string, string, string, string]> = [];
const failures: string[] = [];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const started = Date.now();

async function withDatabase<T>(run: (db: BenchDatabase) => Promise<T>): Promise<T> {
  const db = await createBenchDatabase();
  try {
    return await run(db);
  } finally {
    await db.drop();
  }
}

let rules: RuleEvaluationFigures | undefined;
let quote: CheckoutQuoteFigures | undefined;
let pipeline: EventPipelineFigures | undefined;
let history: HistoryFigures | undefined;

if (runs('rules')) {
  rules = await benchRuleEvaluation();
  rows.push(['rule evaluation (evals/s)', fmt(rules.productionPerSecond), `hand-written reference ${fmt(rules.referencePerSecond)}`, pct(rules.productionVsReference), '>= 10%']);
  rows.push(['  vs plain json-rules-engine', fmt(rules.productionPerSecond), `json-rules-engine defaults ${fmt(rules.jsonRulesEngineDefaultPerSecond)}`, `${rules.productionVsJsonRulesEngine.toFixed(1)}x`, '']);
  rows.push(['  definition path (json-rules-engine, safe paths)', fmt(rules.definitionPathPerSecond), '', '', '']);
  if (rules.mismatches > 0) failures.push(`rule evaluation: ${rules.mismatches} results differ from the reference program`);
}

if (runs('quote')) {
  quote = await withDatabase((db) => benchCheckoutQuote(db));
  rows.push(['checkout quote (req/s, 50 conn)', fmt(quote.quote.requestsPerSecond), `constant endpoint ${fmt(quote.constant.requestsPerSecond)}`, pct(quote.ratio), '>= 60%']);
  rows.push(['  quote p50 / p99', `${ms(quote.quote.p50Ms)} / ${ms(quote.quote.p99Ms)}`, `constant ${ms(quote.constant.p50Ms)} / ${ms(quote.constant.p99Ms)}`, '', 'p99 <= 25 ms']);
  if (quote.failures > 0) failures.push(`checkout quote: ${quote.failures} failed requests`);
}

if (runs('pipeline')) {
  pipeline = await withDatabase((db) => benchEventPipeline(db, values.concurrency ? { concurrency: Number(values.concurrency) } : {}));
  rows.push([`event pipeline (events/s, ${fmt(pipeline.events)}, concurrency ${pipeline.concurrency})`, fmt(pipeline.eventsPerSecond), `BullMQ no-op jobs ${fmt(pipeline.noopJobsPerSecond)}`, pct(pipeline.ratio), '>= 35%']);
  rows.push(['  peak RSS API / worker', `${fmt(pipeline.apiPeakRssMiB)} / ${fmt(pipeline.workerPeakRssMiB)} MiB`, `no-op worker ${fmt(pipeline.noopWorkerPeakRssMiB)} MiB`, '', '']);
  if (pipeline.ledgerMismatches > 0) failures.push(`event pipeline: ${pipeline.ledgerMismatches} orders whose ledger differs from their evaluation (or events not processed)`);
}

if (runs('history')) {
  history = await withDatabase((db) => benchHistory(db));
  for (const endpoint of [history.rewards, history.referrals]) {
    rows.push([`history ${endpoint.path} p99 (${fmt(history.ledgerRows / 1e6)}M ledger rows)`, ms(endpoint.load.p99Ms), `PK lookup p99 ${ms(history.primaryKey.p99Ms)}`, `${(endpoint.load.p99Ms / history.primaryKey.p99Ms).toFixed(1)}x`, '<= 5x']);
  }
  rows.push(['  req/s rewards / referrals', `${fmt(history.rewards.load.requestsPerSecond)} / ${fmt(history.referrals.load.requestsPerSecond)}`, `PK lookup ${fmt(history.primaryKey.requestsPerSecond)}`, '', '']);
  if (history.failures > 0) failures.push(`history: ${history.failures} failed requests`);
}

const header: [string, string, string, string, string] = ['measure', 'result', 'baseline (same run)', 'ratio', 'target'];
const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
console.log(`\nmachine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}; bench took ${Math.round((Date.now() - started) / 1000)} s`);

// Merge: a partial run (--only) keeps the other parts' latest figures.
const file = new URL('./results/latest.json', import.meta.url);
const previous = await readFile(file, 'utf8').then((text) => JSON.parse(text) as Record<string, unknown>, () => ({}));
const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  file,
  `${JSON.stringify({ ...previous, at: new Date().toISOString(), machine, ...(rules ? { ruleEvaluation: rules } : {}), ...(quote ? { checkoutQuote: quote } : {}), ...(pipeline ? { eventPipeline: pipeline } : {}), ...(history ? { history } : {}), table: rows }, replacer, 2)}\n`,
);

if (failures.length > 0) {
  for (const failure of failures) console.error(`FAIL: ${failure}`);
  process.exit(1);
}
process.exit(0);
