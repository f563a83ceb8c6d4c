import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventTestKit, purchase, type EventTestKit } from '../support/event-test-kit.ts';

let t: EventTestKit;
beforeAll(async () => {
  t = await createEventTestKit();
  await t.referralCode('ALICE5', 'u-alice');
  await t.startWorker();
});
afterAll(async () => t?.close());

const AT = '2026-03-10T09:15:00-04:00';
const DURING_HOLD = '2026-03-15T10:00:00Z';
const AFTER_HOLD = '2026-04-10T10:00:00Z';
const LATER = new Date('2026-05-01T00:00:00Z');

let n = 0;
const refund = (orderId: string, fields: Record<string, unknown> = {}, occurredAt = DURING_HOLD) => ({ id: `refund-${++n}-${orderId}`, type: 'purchase.refunded', orderId, occurredAt, ...fields });
const cancel = (orderId: string, occurredAt = DURING_HOLD) => ({ id: `cancel-${++n}-${orderId}`, type: 'purchase.cancelled', orderId, occurredAt });

async function send(...events: Array<Record<string, unknown>>): Promise<void> {
  for (const event of events) {
    await t.post(event).expect(202);
    await t.settle();
  }
}

async function reversalsOf(eventId: string): Promise<Array<{ amount: bigint; from_bucket: string }>> {
  return t.db.knex('reward_entries').where({ event_id: eventId, entry_type: 'reverse' }).select('amount', 'from_bucket');
}

async function rewardOf(orderId: string) {
  const reward = await t.db.knex('rewards').where({ order_id: orderId, kind: 'cashback' }).first();
  const entries = await t.db.knex('reward_entries').where({ reward_id: reward.id }).orderBy('id');
  const sum = (type: string) => entries.filter((e) => e.entry_type === type).reduce((s, e) => s + (e.amount as bigint), 0n);
  return { amount: reward.amount as bigint, reversed: sum('reverse'), confirmed: sum('confirm'), entries };
}

const referralOf = (userId: unknown) => t.db.knex('referrals').where({ referee_id: userId }).first();

describe('partial refunds add up exactly', () => {
  it('JPY by amount: 1000 + 5000 + the rest reverse 9 + 50 + 64 of a 123 yen reward', async () => {
    // 13000 yen, 5% referee discount (650), paid 12350; 1% cashback = 123 (floor).
    const order = purchase({ currency: 'JPY', referralCode: 'ALICE5', occurredAt: '2026-05-12T21:30:00+09:00', items: [{ sku: 'SENCHA', category: 'grocery', unitPrice: 2400, quantity: 3 }, { sku: 'KETTLE', category: 'kitchen', unitPrice: 5800, quantity: 1 }] });
    const refunds = [refund(order.orderId as string, { amount: 1000 }, '2026-05-14T00:00:00Z'), refund(order.orderId as string, { amount: 5000 }, '2026-05-15T00:00:00Z'), refund(order.orderId as string, { amount: 6350 }, '2026-05-16T00:00:00Z')];
    await send(order, ...refunds);
    const reward = await rewardOf(order.orderId as string);
    expect(reward.amount).toBe(123n);
    const steps = await Promise.all(refunds.map(async (r) => (await reversalsOf(r.id)).map((e) => e.amount)));
    expect(steps).toEqual([[9n], [50n], [64n]]);
    expect(reward.reversed).toBe(123n);
    expect(await t.db.knex('orders').where({ order_id: order.orderId }).first()).toMatchObject({ refunded: 12350n, status: 'refunded' });
  });

  it('USD by items: three of three shirts and then the socks reverse exactly the 95 cent reward', async () => {
    // 3 × 33.33 + 0.01 = 100.00, 5% discount, paid 95.00; cashback 0.95.
    const order = purchase({ referralCode: 'ALICE5', items: [{ sku: 'SHIRT', category: 'apparel', unitPrice: 3333, quantity: 3 }, { sku: 'SOCK', category: 'apparel', unitPrice: 1, quantity: 1 }] });
    const refunds = [1, 2, 3].map(() => refund(order.orderId as string, { items: [{ sku: 'SHIRT', quantity: 1 }] }));
    const last = refund(order.orderId as string, { items: [{ sku: 'SOCK', quantity: 1 }] });
    await send(order, ...refunds, last);
    const reward = await rewardOf(order.orderId as string);
    expect(reward.amount).toBe(95n);
    const steps = await Promise.all([...refunds, last].map(async (r) => (await reversalsOf(r.id)).reduce((s, e) => s + e.amount, 0n)));
    expect(steps.reduce((a, b) => a + b, 0n)).toBe(95n);
    // Cumulatively floor(95 × paid share): 31, 63, 94, then the socks make it full: 95.
    expect(steps).toEqual([31n, 32n, 31n, 1n]);
  });

  it('a refund naming an item the order never had fails with the reason', async () => {
    const order = purchase({ referralCode: 'ALICE5' });
    const bad = refund(order.orderId as string, { items: [{ sku: 'NOPE', quantity: 1 }] });
    await send(order, bad);
    const status = await request(t.app).get(`/v1/events/${bad.id}`).expect(200);
    expect(status.body).toMatchObject({ status: 'failed', failureReason: expect.stringContaining('NOPE') });
  });
});

describe('refunds and the hold', () => {
  it('a refund during the hold reverses from pending, voids the referral, and only the rest is confirmed', async () => {
    const order = purchase({ referralCode: 'ALICE5' });
    const half = refund(order.orderId as string, { amount: 4750 });
    await send(order, half);
    expect(await reversalsOf(half.id)).toEqual([{ amount: 47n, from_bucket: 'pending' }]);
    expect((await referralOf(order.userId)).status).toBe('void');
    await t.worker!.events.lifecycle.confirmDue(LATER);
    const reward = await rewardOf(order.orderId as string);
    expect(reward.confirmed).toBe(95n - 47n);
    expect((await referralOf(order.userId)).status).toBe('void');
  });

  it('a refund after confirmation reverses from confirmed; the referral stays successful', async () => {
    const order = purchase({ referralCode: 'ALICE5' });
    await send(order);
    await t.worker!.events.lifecycle.confirmDue(LATER);
    expect(await referralOf(order.userId)).toMatchObject({ status: 'successful', successful_at: new Date('2026-03-25T13:15:00Z') });
    const full = refund(order.orderId as string, {}, AFTER_HOLD);
    await send(full);
    expect(await reversalsOf(full.id)).toEqual([{ amount: 95n, from_bucket: 'confirmed' }]);
    const reward = await rewardOf(order.orderId as string);
    expect(reward).toMatchObject({ confirmed: 95n, reversed: 95n });
    expect((await referralOf(order.userId)).status).toBe('successful');
  });

  it('a cancel before confirmation voids the pending reward and the referral; nothing is confirmed', async () => {
    const order = purchase({ referralCode: 'ALICE5' });
    const c = cancel(order.orderId as string);
    await send(order, c);
    expect(await reversalsOf(c.id)).toEqual([{ amount: 95n, from_bucket: 'pending' }]);
    await t.worker!.events.lifecycle.confirmDue(LATER);
    expect(await rewardOf(order.orderId as string)).toMatchObject({ confirmed: 0n, reversed: 95n });
    expect((await referralOf(order.userId)).status).toBe('void');
    expect((await t.db.knex('orders').where({ order_id: order.orderId }).first()).status).toBe('cancelled');
  });

  it('a refund that arrives before its purchase is deferred, then applied when the purchase is processed', async () => {
    const order = purchase({ referralCode: 'ALICE5' });
    const early = refund(order.orderId as string, { amount: 9500 });
    await send(early);
    expect((await request(t.app).get(`/v1/events/${early.id}`).expect(200)).body.status).toBe('deferred');
    await send(order);
    await waitFor(async () => (await t.db.knex('purchase_events').where({ id: early.id }).first()).status === 'processed');
    expect(await reversalsOf(early.id)).toEqual([{ amount: 95n, from_bucket: 'pending' }]);
    const status = await request(t.app).get(`/v1/events/${early.id}`).expect(200);
    expect(status.body.rewards).toEqual([expect.objectContaining({ amount: 95, pending: 0, reversed: 95 })]);
  });

  it('confirming twice confirms once', async () => {
    const order = purchase({ referralCode: 'ALICE5' });
    await send(order);
    await Promise.all([t.worker!.events.lifecycle.confirmDue(LATER), t.worker!.events.lifecycle.confirmDue(LATER)]);
    await t.worker!.events.lifecycle.confirmDue(LATER);
    const reward = await rewardOf(order.orderId as string);
    expect(reward.entries.filter((e) => e.entry_type === 'confirm')).toHaveLength(1);
    expect(reward.confirmed).toBe(95n);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
