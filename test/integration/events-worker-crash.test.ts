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
const PURCHASES = 1200;

/** `npm run worker` as a child process on this file's database and queue prefix. */
function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: t.config.databaseUrl,
      REDIS_URL: t.config.redisUrl,
      QUEUE_PREFIX: t.config.queuePrefix,
      JOB_LOCK_MS: '1000',
      JOB_BACKOFF_MS: '20',
      WORKER_CONCURRENCY: '32',
      // No confirmation sweep: the October purchases' holds have ended, and a sweep (BullMQ runs it on
      // minute boundaries) would make their referrals successful and lift the referrers' tier for the
      // December purchases processed after it, which the expected ledger below does not model.
      CONFIRM_EVERY_MS: '0',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const count = async (table: string) => Number((await t.db.knex(table).first(t.db.knex.raw('count(*)::int AS c'))).c);

type Event = Record<string, unknown>;

/** Purchases (a third in the holiday campaign), and for some of them partial refunds, a full refund or a cancel, a day later. */
function stream(): { purchases: Event[]; followUps: Event[] } {
  const purchases: Event[] = [];
  const followUps: Event[] = [];
  for (let i = 0; i < PURCHASES; i++) {
    const referrer = REFERRERS[i % REFERRERS.length]!;
    const occurredAt = i % 3 === 0 ? '2026-12-22T10:00:00-05:00' : '2026-10-02T13:30:00-04:00';
    const p = purchase({ id: `p-${randomUUID()}`, referralCode: referrer.code, occurredAt, items: [{ sku: 'A', category: 'home', unitPrice: 1000 + (i % 97) * 37, quantity: 1 + (i % 3) }] });
    purchases.push(p);
    const later = new Date(Date.parse(occurredAt) + 86_400_000).toISOString();
    const base = { orderId: p.orderId, occurredAt: later };
    if (i % 5 === 1) followUps.push({ id: `r1-${randomUUID()}`, type: 'purchase.refunded', ...base, amount: 333 + (i % 7) }, { id: `r2-${randomUUID()}`, type: 'purchase.refunded', ...base, amount: 250 });
    if (i % 5 === 2) followUps.push({ id: `c-${randomUUID()}`, type: 'purchase.cancelled', ...base });
    if (i % 10 === 3) followUps.push({ id: `f-${randomUUID()}`, type: 'purchase.refunded', ...base });
  }
  return { purchases, followUps };
}

/** What the ledger must hold per reward: its amount, and how much of it the follow-ups reverse. */
async function expectedLedger(purchases: Event[], followUps: Event[]): Promise<Map<string, { amount: bigint; reversed: bigint }>> {
  const ruleSet = t.application.services.rules.get();
  const expected = new Map<string, { amount: bigint; reversed: bigint }>();
  for (const p of purchases) {
    const referrer = REFERRERS.find((r) => r.code === p.referralCode)!;
    const input: PurchaseInput = {
      order: { orderId: p.orderId as string, userId: p.userId as string, occurredAt: p.occurredAt as string, currency: 'USD', items: p.items as never, discounts: [] },
      context: { referral: { referrerId: referrer.id, source: 'code', code: referrer.code }, referee: { priorOrderCount: 0 }, referrer: { successfulReferrals: 0 }, campaignSpent: {} },
    };
    const result = await evaluatePurchase(ruleSet, input);
    const mine = followUps.filter((f) => f.orderId === p.orderId);
    const full = mine.some((f) => f.type === 'purchase.cancelled' || f.amount === undefined);
    const sum = mine.reduce((s, f) => s + BigInt((f.amount as number | undefined) ?? 0), 0n);
    const refunded = full || sum >= result.total ? result.total : sum;
    // Every follow-up falls in the hold of a first order: the referral is void, its bonus points go entirely.
    const voided = mine.length > 0;
    for (const line of result.rewards) {
      const reversed = voided && line.kind === 'bonus-points' ? line.amount : (line.amount * refunded) / result.total;
      expected.set(`${p.orderId}|${line.kind}|${line.currency}`, { amount: line.amount, reversed });
    }
  }
  return expected;
}

it(`a stream of ${PURCHASES} purchases with refunds, cancels and duplicates, worker SIGKILLed mid-run repeatedly: each event once, ledger equals the calculator`, { timeout: 240_000 }, async () => {
  const { purchases, followUps } = stream();
  // Shuffled: many refunds and cancels arrive before their purchase and wait as 'deferred'.
  const all = [...purchases, ...followUps].sort(() => Math.random() - 0.5);
  for (let i = 0; i < all.length; i += 500) await request(t.app).post('/v1/events/batch').send({ events: all.slice(i, i + 500) }).expect(202);
  // Duplicates from the client as well as from crashes.
  await request(t.app).post('/v1/events/batch').send({ events: all.slice(0, 500) }).expect(202);

  const progressAtKill: number[] = [];
  let before = 0;
  while (progressAtKill.length < 6) {
    const child = startWorker();
    // Kill once this worker has made some progress (not after a fixed time: on
    // a loaded machine startup alone can take seconds), at a random point.
    const target = before + 20 + Math.floor(Math.random() * 60);
    const giveUp = Date.now() + 60_000;
    let done = before;
    while (done < target && done < all.length && Date.now() < giveUp) {
      await sleep(50);
      done = await count('event_processing');
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    progressAtKill.push(done);
    before = done;
    if (done >= all.length) break;
  }
  const last = startWorker();
  const deadline = Date.now() + 150_000;
  while ((await count('event_processing')) < all.length && Date.now() < deadline) await sleep(250);
  last.kill('SIGTERM');
  await new Promise((resolve) => last.once('exit', resolve));

  // Killed mid-run at least three times: some events done, others not yet.
  expect(progressAtKill.filter((done) => done > 0 && done < all.length).length).toBeGreaterThanOrEqual(3);
  expect(await count('event_processing')).toBe(all.length);
  expect(Number((await t.db.knex('purchase_events').whereNot('status', 'processed').first(t.db.knex.raw('count(*)::int AS c'))).c)).toBe(0);

  const expected = await expectedLedger(purchases, followUps);
  const rows = await t.db.knex('rewards as r')
    .select('r.order_id', 'r.kind', 'r.currency', 'r.amount', t.db.knex.raw("COALESCE((SELECT sum(e.amount) FROM reward_entries e WHERE e.reward_id = r.id AND e.entry_type = 'reverse'), 0)::bigint AS reversed"));
  const actual = new Map(rows.map((r) => [`${r.order_id}|${r.kind}|${r.currency}`, { amount: r.amount as bigint, reversed: r.reversed as bigint }]));
  expect(actual.size).toBe(expected.size);
  expect(actual).toEqual(expected);
  expect(Number((await t.db.knex('reward_entries').where({ entry_type: 'grant' }).first(t.db.knex.raw('count(*)::int AS c'))).c)).toBe(expected.size);
  console.log(`crash test: SIGKILL at ${progressAtKill.join(', ')} of ${all.length} events processed; ${expected.size} rewards, ${followUps.length} refunds and cancels`);
});
