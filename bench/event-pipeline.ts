import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { loadRuleSet } from '../src/rules/rule-set-loader.ts';
import { evaluatePurchaseFast } from '../src/engine/evaluate-purchase.ts';
import { PurchaseContextLoader } from '../src/referrals/purchase-context-loader.ts';
import { redisOptions } from '../src/events/event-queue.ts';
import type { PurchaseCompletedEvent } from '../src/events/purchase-event-schema.ts';
import { prng } from './purchase-generator.ts';
import type { BenchDatabase } from './support/bench-database.ts';
import { startChild } from './support/child-process.ts';
import { awaitLine } from './support/await-line.ts';
import { BENCH_REDIS_URL, obliterateQueue } from './support/queue-cleanup.ts';
import { QUOTE_DATA, seedQuoteData } from './support/seed-quote-data.ts';

export interface EventPipelineFigures {
  events: number;
  concurrency: number;
  eventsPerSecond: number;
  noopJobsPerSecond: number;
  /** events/s ÷ no-op jobs/s, same concurrency, same run. */
  ratio: number;
  apiPeakRssMiB: number;
  workerPeakRssMiB: number;
  noopWorkerPeakRssMiB: number;
  rewards: number;
  /** Ledger rows missing, extra or different from the evaluation of each event: must be 0. */
  ledgerMismatches: number;
}

const REDIS_URL = BENCH_REDIS_URL;
const CATEGORIES = ['shoes', 'books', 'electronics', 'toys'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One purchase per user (new users with a code, users with seeded history),
 * dated within the last days so no hold ends during the run: every event's
 * context is fixed before it is posted, which makes the ledger checkable.
 */
function purchaseEvents(count: number, runId: string, now: number): PurchaseCompletedEvent[] {
  const random = prng(35);
  return Array.from({ length: count }, (_, i) => {
    const historyUser = i % 10 === 9 && i / 10 < QUOTE_DATA.historyUsers;
    const items = Array.from({ length: 1 + random.int(3) }, (_, k) => ({ sku: `sku-${k}`, category: random.pick(CATEGORIES), unitPrice: 500 + random.int(20_000), quantity: 1 + random.int(2) }));
    return {
      id: `bench-${runId}-${i}`,
      type: 'purchase.completed',
      orderId: `bench-order-${runId}-${i}`,
      userId: historyUser ? `u${1 + Math.floor(i / 10)}` : `buyer-${runId}-${i}`,
      occurredAt: new Date(now - 3_600_000 - random.int(10 * 86_400_000)).toISOString(),
      currency: 'USD',
      items,
      discounts: random.next() < 0.2 ? [{ code: 'SAVE5', kind: 'coupon', amount: 500 }] : [],
      ...(historyUser ? {} : { referralCode: `r${String(1 + random.int(QUOTE_DATA.codes)).padStart(7, '0')}` }),
      ...(random.next() < 0.3 ? { signals: { email: `buyer${i}@example.com` } } : {}),
    };
  });
}

type LedgerLine = string;

/** What each event must leave in the ledger: the evaluation of the context it will see. */
async function expectedLedger(db: BenchDatabase, events: PurchaseCompletedEvent[]): Promise<Map<string, LedgerLine[]>> {
  const ruleSet = await loadRuleSet('rules');
  const loader = new PurchaseContextLoader(db.knex);
  const expected = new Map<string, LedgerLine[]>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < events.length) {
        const event = events[next++]!;
        const lookup = { userId: event.userId, occurredAt: event.occurredAt, orderId: event.orderId, ...(event.referralCode ? { referralCode: event.referralCode } : {}), ...(event.signals ? { signals: event.signals } : {}) };
        const context = await loader.load(lookup, ruleSet.select(Date.parse(event.occurredAt)).settings);
        const { id: _id, type: _type, referralCode: _code, ...order } = event;
        const result = evaluatePurchaseFast(ruleSet, { order, context });
        expected.set(event.orderId, result.rewards.map((r) => `${r.beneficiaryId}|${r.kind}|${r.currency}|${r.amount}`).sort());
      }
    }),
  );
  return expected;
}

async function actualLedger(db: BenchDatabase, runId: string): Promise<Map<string, LedgerLine[]>> {
  const rows: Array<{ order_id: string; beneficiary_id: string; kind: string; currency: string; amount: bigint; granted: bigint | null }> = await db.knex('rewards as r')
    .leftJoin('reward_entries as e', function () {
      this.on('e.reward_id', 'r.id').andOnVal('e.entry_type', 'grant');
    })
    .where('r.order_id', 'like', `bench-order-${runId}-%`)
    .select('r.order_id', 'r.beneficiary_id', 'r.kind', 'r.currency', 'r.amount', 'e.amount as granted');
  const actual = new Map<string, LedgerLine[]>();
  for (const row of rows) {
    // A reward without its grant entry (or a different one) is an incomplete ledger.
    const line = row.granted === row.amount ? `${row.beneficiary_id}|${row.kind}|${row.currency}|${row.amount}` : `UNGRANTED ${row.beneficiary_id}|${row.kind}`;
    (actual.get(row.order_id) ?? actual.set(row.order_id, []).get(row.order_id)!).push(line);
  }
  for (const lines of actual.values()) lines.sort();
  return actual;
}

/** BullMQ no-op jobs/s: jobs added in batches while the worker runs, until all completed. */
async function noopRate(events: number, concurrency: number): Promise<{ perSecond: number; peakRssMiB: number }> {
  const prefix = `bench-noop-${randomBytes(4).toString('hex')}`;
  const name = 'noop';
  const worker = await startChild('bench/servers/noop-worker.ts', { QUEUE_PREFIX: prefix, BENCH_QUEUE: name, BENCH_JOBS: String(events), WORKER_CONCURRENCY: String(concurrency), REDIS_URL });
  const queue = new Queue(name, { connection: redisOptions(REDIS_URL, 'producer'), prefix, defaultJobOptions: { removeOnComplete: true } });
  try {
    const done = awaitLine(worker.process, (m) => m.done === events, 300_000);
    const start = process.hrtime.bigint();
    for (let i = 0; i < events; i += 500) {
      await queue.addBulk(Array.from({ length: Math.min(500, events - i) }, (_, k) => ({ name: 'noop', data: { eventId: `noop-${i + k}` }, opts: { jobId: `noop-${i + k}` } })));
    }
    await done;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { perSecond: events / seconds, peakRssMiB: await worker.peakRssMiB() };
  } finally {
    await worker.stop();
    await queue.close();
    await obliterateQueue(prefix, name);
  }
}

/**
 * 50,000 purchase events posted to POST /v1/events/batch (500 per request,
 * 4 requests in flight) to the API child, processed by `npm run worker`'s
 * code in another child, timed until every event has its processed mark;
 * then the ledger is compared with each event's evaluation. Beside it, in
 * the same run, BullMQ no-op jobs with the same worker concurrency.
 */
export async function benchEventPipeline(db: BenchDatabase, options: { events?: number; concurrency?: number } = {}): Promise<EventPipelineFigures> {
  const count = options.events ?? 50_000;
  // The worker's default (WORKER_CONCURRENCY), for the no-op baseline too.
  const concurrency = options.concurrency ?? 128;
  // The checkout data set: codes the events enter, users with order history, referrers' tiers.
  await seedQuoteData(db.knex);
  const runId = randomBytes(3).toString('hex');
  const events = purchaseEvents(count, runId, Date.now());
  const expected = await expectedLedger(db, events);

  const noop = await noopRate(count, concurrency);

  const prefix = `bench-${runId}`;
  const env = { DATABASE_URL: db.url, REDIS_URL, QUEUE_PREFIX: prefix, WORKER_CONCURRENCY: String(concurrency), API_KEYS: '', NODE_ENV: 'development' };
  const api = await startChild('bench/servers/bench-http-server.ts', { ...env, LOG_LEVEL: 'silent' }, { profile: true });
  const worker = await startChild('src/worker.ts', { ...env, LOG_LEVEL: 'info' }, { readyWhen: (m) => m.msg === 'worker started', profile: true });
  try {
    const port = api.ready.apiPort as number;
    // Still waiting: an event of this run not yet processed (or failed). An index probe on status, not a
    // count: counting 50,000 processed marks every 100 ms cost PostgreSQL ~5% of a core during the run.
    const waiting = async () => (await db.knex.raw(`SELECT EXISTS (SELECT 1 FROM purchase_events WHERE status = 'accepted' AND id LIKE ?) AS w`, [`bench-${runId}-%`])).rows[0].w as boolean;
    const start = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < events.length) {
          const batch = events.slice(next, next + 500);
          next += 500;
          const response = await fetch(`http://127.0.0.1:${port}/v1/events/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: batch }) });
          if (response.status !== 202) throw new Error(`batch answered ${response.status}: ${await response.text()}`);
          await response.arrayBuffer();
        }
      }),
    );
    const deadline = Date.now() + 600_000;
    while (await waiting()) {
      if (Date.now() > deadline) throw new Error('events not processed within 10 minutes');
      await sleep(100);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const [apiPeakRssMiB, workerPeakRssMiB] = [await api.peakRssMiB(), await worker.peakRssMiB()];

    const actual = await actualLedger(db, runId);
    let ledgerMismatches = 0;
    let rewards = 0;
    for (const [orderId, lines] of expected) {
      const got = actual.get(orderId) ?? [];
      rewards += got.length;
      if (JSON.stringify(got) !== JSON.stringify(lines)) {
        ledgerMismatches++;
        if (ledgerMismatches <= 3) console.error(`ledger for ${orderId}: expected ${JSON.stringify(lines)}, got ${JSON.stringify(got)}`);
      }
    }
    const failed = Number((await db.knex('purchase_events').where('id', 'like', `bench-${runId}-%`).whereNot('status', 'processed').first(db.knex.raw('count(*)::int AS c'))).c);
    ledgerMismatches += failed;
    return { events: count, concurrency, eventsPerSecond: count / seconds, noopJobsPerSecond: noop.perSecond, ratio: count / seconds / noop.perSecond, apiPeakRssMiB, workerPeakRssMiB, noopWorkerPeakRssMiB: noop.peakRssMiB, rewards, ledgerMismatches };
  } finally {
    await worker.stop(30_000);
    await api.stop();
    await obliterateQueue(prefix);
  }
}
