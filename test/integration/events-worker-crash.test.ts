import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { evaluatePurchase } from '../../src/engine/evaluate-purchase.ts';
import type { PurchaseInput } from '../../src/engine/purchase-input.ts';
import { createEventTestKit, purchase, type EventTestKit } from '../support/event-test-kit.ts';

let t: EventTestKit;
const children = new Set<ChildProcess>();
beforeAll(async () => {
  t = await createEventTestKit({ JOB_LOCK_MS: '1000' });
  for (const r of REFERRERS) await t.referralCode(r.code, r.id);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await t?.close();
});

const REFERRERS = Array.from({ length: 20 }, (_, i) => ({ id: `u-ref-${i}`, code: `REF${String(i).padStart(2, '0')}X` }));
const EVENTS = 1200;

/** `npm run worker` as a child process on this file's database and queue prefix. */
function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: t.config.databaseUrl,
      QUEUE_PREFIX: t.config.queuePrefix,
      JOB_LOCK_MS: '1000',
      JOB_BACKOFF_MS: '20',
      WORKER_CONCURRENCY: '32',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const processedCount = async () => Number((await t.db.knex('event_processing').first(t.db.knex.raw('count(*)::int AS c'))).c);

it(`${EVENTS} events with a worker SIGKILLed mid-run, repeatedly: each processed exactly once, ledger equals the calculator`, { timeout: 180_000 }, async () => {
  const events = Array.from({ length: EVENTS }, (_, i) => {
    const referrer = REFERRERS[i % REFERRERS.length]!;
    // A third of the orders fall in the holiday campaign (double cashback, bonus points).
    const occurredAt = i % 3 === 0 ? '2026-12-22T10:00:00-05:00' : '2026-10-02T13:30:00-04:00';
    return purchase({ id: `crash-${randomUUID()}`, referralCode: referrer.code, occurredAt, items: [{ sku: 'A', category: 'home', unitPrice: 1000 + (i % 97) * 37, quantity: 1 + (i % 3) }] });
  });
  for (let i = 0; i < EVENTS; i += 400) {
    await request(t.app).post('/v1/events/batch').send({ events: events.slice(i, i + 400) }).expect(202);
  }
  // Every event posted twice: duplicates from the client as well as from crashes.
  await request(t.app).post('/v1/events/batch').send({ events: events.slice(0, 400) }).expect(202);

  let kills = 0;
  const progressAtKill: number[] = [];
  while (kills < 6) {
    const child = startWorker();
    await sleep(1200 + Math.random() * 800);
    const done = await processedCount();
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    progressAtKill.push(done);
    kills += 1;
    if (done >= EVENTS) break;
  }
  const last = startWorker();
  const deadline = Date.now() + 120_000;
  while ((await processedCount()) < EVENTS && Date.now() < deadline) await sleep(250);
  last.kill('SIGTERM');
  await new Promise((resolve) => last.once('exit', resolve));

  // Killed mid-run at least three times: some events done, others not yet.
  expect(progressAtKill.filter((done) => done > 0 && done < EVENTS).length).toBeGreaterThanOrEqual(3);
  expect(await processedCount()).toBe(EVENTS);
  expect(Number((await t.db.knex('purchase_events').whereNot('status', 'processed').first(t.db.knex.raw('count(*)::int AS c'))).c)).toBe(0);

  // The ledger, reward by reward, equals what evaluatePurchase says for the same events.
  const ruleSet = t.application.services.rules.get();
  const expected = new Map<string, bigint>();
  for (const event of events) {
    const referrer = REFERRERS.find((r) => r.code === event.referralCode)!;
    const input: PurchaseInput = {
      order: { orderId: event.orderId as string, userId: event.userId as string, occurredAt: event.occurredAt as string, currency: 'USD', items: event.items as never, discounts: [] },
      context: { referral: { referrerId: referrer.id, source: 'code', code: referrer.code }, referee: { priorOrderCount: 0 }, referrer: { successfulReferrals: 0 }, campaignSpent: {} },
    };
    for (const line of (await evaluatePurchase(ruleSet, input)).rewards) expected.set(`${event.orderId}|${line.kind}|${line.currency}`, line.amount);
  }
  const rows = await t.db.knex('rewards').select('order_id', 'kind', 'currency', 'amount');
  const actual = new Map(rows.map((r) => [`${r.order_id}|${r.kind}|${r.currency}`, r.amount as bigint]));
  expect(actual.size).toBe(expected.size);
  expect(actual).toEqual(expected);
  const grants = Number((await t.db.knex('reward_entries').where({ entry_type: 'grant' }).first(t.db.knex.raw('count(*)::int AS c'))).c);
  expect(grants).toBe(expected.size);
  console.log(`crash test: SIGKILL at ${progressAtKill.join(', ')} processed; ${EVENTS} events, ${expected.size} rewards`);
});
