import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestHandler } from 'express';

/**
 * Prometheus metrics (prom-client). One registry per process, built in the
 * composition root and handed to whoever records; nothing registers globally,
 * so tests can build several apps in one process.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly eventsAccepted = new Counter({ name: 'events_accepted_total', help: 'Purchase events stored in the inbox', labelNames: ['type'] as const, registers: [this.registry] });
  readonly eventsProcessed = new Counter({ name: 'events_processed_total', help: 'Purchase events processed', labelNames: ['type'] as const, registers: [this.registry] });
  readonly eventsFailed = new Counter({ name: 'events_failed_total', help: 'Purchase events that failed for good', labelNames: ['type'] as const, registers: [this.registry] });
  readonly jobDuration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Time to process one queue job',
    labelNames: ['queue', 'job', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  private readonly queueSources: QueueCountsSource[] = [];
  private budgetSource: BudgetSource | undefined;
  readonly queueDepth = new Gauge({
    name: 'queue_depth',
    help: 'Jobs by state, read from the queue at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
    collect: () => this.collectQueueDepth(),
  });
  readonly rewardsGranted = new Counter({ name: 'rewards_granted_total', help: 'Rewards granted, count', labelNames: ['kind', 'currency'] as const, registers: [this.registry] });
  readonly rewardsGrantedAmount = new Counter({ name: 'rewards_granted_minor_units_total', help: 'Rewards granted, in minor units (points for PTS)', labelNames: ['kind', 'currency'] as const, registers: [this.registry] });
  readonly ruleSetInfo = new Gauge({ name: 'rule_set_info', help: 'The loaded rule set (value 1), by file id, version and hash', labelNames: ['id', 'version', 'hash'] as const, registers: [this.registry] });
  readonly campaignBudgetSpent = new Gauge({
    name: 'campaign_budget_spent_minor_units',
    help: 'Campaign budget spent, minor units (points for PTS), read from campaign_budgets at scrape time',
    labelNames: ['campaign', 'currency'] as const,
    registers: [this.registry],
    collect: () => this.collectBudgets('spent'),
  });
  readonly campaignBudgetTotal = new Gauge({
    name: 'campaign_budget_minor_units',
    help: 'Campaign budget, minor units (points for PTS), read from campaign_budgets at scrape time',
    labelNames: ['campaign', 'currency'] as const,
    registers: [this.registry],
    collect: () => this.collectBudgets('budget'),
  });
  private budgetRead: ReturnType<BudgetSource> | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Records each request's latency under its route pattern, never its raw URL (bounded label values). */
  httpMiddleware(): RequestHandler {
    return (req, res, next) => {
      const stop = this.httpDuration.startTimer();
      res.once('finish', () => {
        const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
        stop({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }

  /** Reports a BullMQ queue's job counts at each scrape (only processes that use BullMQ call this). */
  watchQueue(queue: string, counts: () => Promise<Record<string, number>>): void {
    this.queueSources.push({ queue, counts });
  }

  /** Reports campaign budgets at each scrape. */
  watchBudgets(source: BudgetSource): void {
    this.budgetSource = source;
  }

  /** One reward line granted (after its transaction committed). */
  rewardGranted(kind: string, currency: string, amount: bigint): void {
    this.rewardsGranted.inc({ kind, currency });
    // Counters are floats: exact up to 2^53 minor units, far beyond any one reward.
    this.rewardsGrantedAmount.inc({ kind, currency }, Number(amount));
  }

  /** Times a queue job; call the returned function with its outcome. */
  startJob(queue: string, job: string): (outcome: 'completed' | 'failed') => void {
    const stop = this.jobDuration.startTimer({ queue, job });
    return (outcome) => void stop({ outcome });
  }

  ruleSetLoaded(files: ReadonlyArray<{ id: string; version: number; hash: string }>): void {
    this.ruleSetInfo.reset();
    for (const file of files) this.ruleSetInfo.set({ id: file.id, version: String(file.version), hash: file.hash.slice(0, 12) }, 1);
  }

  private async collectQueueDepth(): Promise<void> {
    this.queueDepth.reset();
    for (const { queue, counts } of this.queueSources) {
      try {
        for (const [state, count] of Object.entries(await counts())) this.queueDepth.set({ queue, state }, count);
      } catch {
        // Redis is down: no depth is better than a failed scrape; /readyz tells the outage.
      }
    }
  }

  /** Both budget gauges collect at once during a scrape; they share one read. */
  private async collectBudgets(column: 'spent' | 'budget'): Promise<void> {
    if (!this.budgetSource) return;
    const gauge = column === 'spent' ? this.campaignBudgetSpent : this.campaignBudgetTotal;
    gauge.reset();
    this.budgetRead ??= this.budgetSource().finally(() => {
      this.budgetRead = undefined;
    });
    try {
      for (const row of await this.budgetRead) gauge.set({ campaign: row.campaignId, currency: row.currency }, Number(row[column]));
    } catch {
      // The database is down: leave the gauges empty rather than fail the scrape.
    }
  }
}

interface QueueCountsSource {
  queue: string;
  counts: () => Promise<Record<string, number>>;
}

/** Rows of campaign_budgets: spent and budget in minor units. */
export type BudgetSource = () => Promise<ReadonlyArray<{ campaignId: string; currency: string; spent: bigint | number | string; budget: bigint | number | string }>>;
