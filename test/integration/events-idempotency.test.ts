import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_JOB } from '../../src/events/event-queue.ts';
import { createEventTestKit, purchase, type EventTestKit } from '../support/event-test-kit.ts';

let t: EventTestKit;
beforeAll(async () => {
  t = await createEventTestKit();
  await t.referralCode('ALICE5', 'u-alice');
});
afterAll(async () => t?.close());

const ledger = async () => ({
  rewards: await t.db.knex('rewards').count<{ count: bigint }[]>('* as count'),
  entries: await t.db.knex('reward_entries').count<{ count: bigint }[]>('* as count'),
});

describe('the same event, many times', () => {
  it('1,000 concurrent posts store one inbox row, answer identically and produce one set of rewards', async () => {
    const event = purchase({ referralCode: 'ALICE5', signals: { email: 'Jo.Lee+x@gmail.com' } });
    const answers = await Promise.all(Array.from({ length: 1000 }, () => t.post(event)));
    expect(answers.filter((r) => r.status === 202)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(999);
    expect(new Set(answers.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(await t.db.knex('purchase_events').where({ id: event.id }).count<{ count: bigint }[]>('* as count')).toEqual([{ count: 1n }]);

    await t.startWorker();
    await t.settle();
    const rewards = await t.db.knex('rewards').where({ event_id: event.id });
    expect(rewards).toHaveLength(1);
    expect(rewards[0]).toMatchObject({ beneficiary_id: 'u-alice', kind: 'cashback', amount: 95n });
    expect(await t.db.knex('reward_entries').where({ reward_id: rewards[0].id })).toHaveLength(1);
    expect(await t.db.knex('user_signals').where({ user_id: event.userId })).toEqual([expect.objectContaining({ kind: 'email', value: 'jolee@gmail.com' })]);
    const status = await request(t.app).get(`/v1/events/${event.id}`).expect(200);
    expect(status.body).toMatchObject({ status: 'processed', rewards: [{ kind: 'cashback', amount: 95, pending: 95, confirmed: 0 }] });
  });

  it('the same id with a different payload is 409 problem+json and changes nothing', async () => {
    const event = purchase();
    await t.post(event).expect(202);
    const res = await t.post({ ...event, currency: 'EUR' }).expect(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.type).toMatch(/idempotency-conflict/);
    const stored = await t.db.knex('purchase_events').where({ id: event.id }).first();
    expect(stored.payload.currency).toBe('USD');
  });

  it('key order and whitespace do not make a payload different', async () => {
    const event = purchase();
    await t.post(event).expect(202);
    const reordered = Object.fromEntries(Object.entries(event).reverse());
    await request(t.app).post('/v1/events').set('content-type', 'application/json').send(JSON.stringify(reordered, null, 2)).expect(200);
  });

  it('a duplicate delivery of a processed job (same event, a second job) has no second effect', async () => {
    const event = purchase({ referralCode: 'ALICE5' });
    await t.post(event).expect(202);
    await t.settle();
    const before = await ledger();
    const queue = t.application.events.queue!.queue;
    // Two more deliveries under other job ids, as after a lost lock or a re-enqueue by the recovery loop.
    await queue.add(EVENT_JOB, { eventId: event.id as string }, { jobId: `${event.id}-again-1` });
    await queue.add(EVENT_JOB, { eventId: event.id as string }, { jobId: `${event.id}-again-2` });
    await Promise.all([t.worker!.events.processor.handle(event.id as string), t.worker!.events.processor.handle(event.id as string)]);
    await waitFor(async () => (await queue.getJobCounts('waiting', 'active')).waiting === 0);
    expect(await ledger()).toEqual(before);
  });

  it('concurrent first deliveries of one event race to one effect', async () => {
    const event = purchase({ referralCode: 'ALICE5' });
    // Stored, but handled here directly ten times at once instead of through the queue.
    await t.application.events.stores.inbox.storeAll([event as never]);
    const results = await Promise.all(Array.from({ length: 10 }, () => t.worker!.events.processor.handle(event.id as string)));
    expect(results.filter((r) => r === 'processed')).toHaveLength(1);
    expect(await t.db.knex('rewards').where({ event_id: event.id })).toHaveLength(1);
  });
});

describe('validation and batches', () => {
  it('refuses unknown fields, fractional money and a refund with both amount and items', async () => {
    await t.post({ ...purchase(), couponCode: 'X' }).expect(400);
    await t.post(purchase({ items: [{ sku: 'A', category: 'c', unitPrice: 10.5, quantity: 1 }] })).expect(400);
    await t.post({ id: 'r-1', type: 'purchase.refunded', orderId: 'o', occurredAt: '2026-03-10T00:00:00Z', amount: 1, items: [{ sku: 'A', quantity: 1 }] }).expect(400);
    await t.post(purchase({ currency: 'XYZ' })).expect(400);
  });

  it('a batch answers each event: accepted, duplicate or conflict', async () => {
    const a = purchase();
    const b = purchase();
    await t.post(a).expect(202);
    const res = await request(t.app).post('/v1/events/batch').send({ events: [a, b, { ...a, currency: 'EUR' }] }).expect(202);
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['duplicate', 'accepted', 'conflict']);
    await t.settle();
    expect((await request(t.app).get(`/v1/events/${b.id}`).expect(200)).body.status).toBe('processed');
  });

  it('a new id twice in one batch: the first is stored, a repeat is a duplicate, a different payload a conflict', async () => {
    const c = purchase();
    const res = await request(t.app).post('/v1/events/batch').send({ events: [c, c, { ...c, currency: 'EUR' }] }).expect(202);
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['accepted', 'duplicate', 'conflict']);
    await t.settle();
    const stored = (await request(t.app).get(`/v1/events/${c.id}`).expect(200)).body;
    expect(stored.status).toBe('processed');
    expect(await t.db.knex('orders').where({ order_id: c.orderId }).first('currency')).toEqual({ currency: c.currency });
  });

  it('a batch over 1,000 events is refused', async () => {
    await request(t.app).post('/v1/events/batch').send({ events: Array.from({ length: 1001 }, () => purchase()) }).expect(400);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
