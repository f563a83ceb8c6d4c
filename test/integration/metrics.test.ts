import request from 'supertest';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorkerApplication, type WorkerApplication } from '../../src/composition-root.ts';
import { createEventWorker } from '../../src/events/event-worker.ts';
import { createLogger } from '../../src/logger.ts';
import { startMetricsServer, type MetricsServer } from '../../src/observability/metrics-server.ts';
import { createEventTestKit, purchase, type EventTestKit } from '../support/event-test-kit.ts';

let t: EventTestKit;
let workerApp: WorkerApplication;
let worker: Worker;
let workerMetrics: MetricsServer;

beforeAll(async () => {
  t = await createEventTestKit();
  await t.referralCode('ALICE5', 'u-alice');
  // A worker as `npm run worker` builds it: its own registry, served on its own port.
  const logger = createLogger('silent');
  workerApp = await createWorkerApplication(t.config, logger, { intervalMs: 200, graceMs: 0 });
  worker = createEventWorker(workerApp.events.batcher, workerApp.events.lifecycle, t.config, logger, workerApp.metrics);
  void worker.run();
  await worker.waitUntilReady();
  workerMetrics = await startMetricsServer(workerApp.metrics, 0, '127.0.0.1');
});
afterAll(async () => {
  await workerMetrics?.close();
  await worker?.close();
  await workerApp?.close();
  await t?.close();
});

const apiMetrics = async () => (await request(t.app).get('/metrics').expect(200).expect('content-type', /text\/plain/)).text;
const workerText = async () => {
  const res = await fetch(`http://127.0.0.1:${workerMetrics.port}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
};

/** The value of one sample, e.g. sample(text, 'events_accepted_total{type="purchase.completed"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function waitFor(id: string, status: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const body = (await request(t.app).get(`/v1/events/${id}`).expect(200)).body;
    if (body.status === status) return;
    if (Date.now() > deadline) throw new Error(`event ${id} is ${body.status}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('counts accepted, processed and failed events, job durations, rewards by kind and currency, budgets and the rule set', async () => {
  // In the holiday campaign window: double cashback and 100 bonus points, both drawn from the budget.
  const bought = purchase({ referralCode: 'ALICE5', occurredAt: '2026-12-21T12:00:00-05:00' });
  const uncovered = purchase({ occurredAt: '2019-01-01T00:00:00Z' });
  await t.post(bought).expect(202);
  await t.post(uncovered).expect(202);
  await waitFor(bought.id as string, 'processed');
  await waitFor(uncovered.id as string, 'failed');

  const api = await apiMetrics();
  expect(sample(api, 'events_accepted_total{type="purchase.completed"}')).toBe(2);
  expect(api).toMatch(/^queue_depth\{queue="purchase-events",state="waiting"\} \d+$/m);
  expect(sample(api, 'queue_depth{queue="purchase-events",state="failed"}')).toBe(1);
  const budgets = await t.db.knex('campaign_budgets').where({ campaign_id: 'holiday-2026' }).select('currency', 'spent', 'budget');
  expect(budgets.map((b) => b.currency).sort()).toEqual(['PTS', 'USD']);
  for (const b of budgets) {
    expect(Number(b.spent)).toBeGreaterThan(0);
    expect(sample(api, `campaign_budget_spent_minor_units{campaign="holiday-2026",currency="${b.currency}"}`)).toBe(Number(b.spent));
    expect(sample(api, `campaign_budget_minor_units{campaign="holiday-2026",currency="${b.currency}"}`)).toBe(Number(b.budget));
  }
  expect(api).toMatch(/^rule_set_info\{id="holiday-2026",version="1",hash="[0-9a-f]{12}"\} 1$/m);
  expect(api).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/v1\/events",status="202"\} 2$/m);

  const work = await workerText();
  expect(sample(work, 'events_processed_total{type="purchase.completed"}')).toBe(1);
  expect(sample(work, 'events_failed_total{type="purchase.completed"}')).toBe(1);
  expect(sample(work, 'job_duration_seconds_count{queue="purchase-events",job="purchase-event",outcome="completed"}')).toBe(1);
  expect(sample(work, 'job_duration_seconds_count{queue="purchase-events",job="purchase-event",outcome="failed"}')).toBe(1);
  const rewards = await t.db.knex('rewards').where({ order_id: bought.orderId }).select('kind', 'currency', 'amount');
  expect(rewards.map((r) => `${r.kind}/${r.currency}`).sort()).toEqual(['bonus-points/PTS', 'campaign-cashback/USD', 'cashback/USD']);
  for (const r of rewards) {
    expect(sample(work, `rewards_granted_total{kind="${r.kind}",currency="${r.currency}"}`)).toBe(1);
    expect(sample(work, `rewards_granted_minor_units_total{kind="${r.kind}",currency="${r.currency}"}`)).toBe(Number(r.amount));
  }
  // The worker does not process what the API accepted, and vice versa.
  expect(sample(api, 'events_processed_total{type="purchase.completed"}')).toBeUndefined();
  expect(sample(work, 'events_accepted_total{type="purchase.completed"}')).toBeUndefined();
});

it('the worker listener answers 404 off /metrics', async () => {
  expect((await fetch(`http://127.0.0.1:${workerMetrics.port}/other`)).status).toBe(404);
});
