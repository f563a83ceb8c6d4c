import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEventTestKit, type EventTestKit } from '../support/event-test-kit.ts';

let kit: EventTestKit;
let code: string;

beforeAll(async () => {
  kit = await createEventTestKit();
  await kit.startWorker();
  code = (await request(kit.app).post('/v1/referral-codes').send({ userId: 'alice' }).expect(201)).body.code;
});
afterAll(async () => {
  await kit.close();
});

const cart = {
  currency: 'USD',
  items: [
    { sku: 'SHOE-1', category: 'shoes', unitPrice: 12000, quantity: 1 },
    { sku: 'CARD-1', category: 'gift-cards', unitPrice: 5000, quantity: 1 },
  ],
  discounts: [{ code: 'WELCOME10', kind: 'coupon', amount: 1000 }],
};

/** Quotes a cart, then sends the same cart as a purchase event and returns both results. */
async function quoteThenPurchase(userId: string, occurredAt: string, extra: Record<string, unknown> = {}) {
  const quote = await request(kit.app).post('/v1/checkout/quote').send({ userId, ...cart, at: occurredAt, ...extra }).expect(200);
  const orderId = `ord-${randomUUID()}`;
  await kit.post({ id: `evt-${randomUUID()}`, type: 'purchase.completed', orderId, userId, occurredAt, ...cart, ...extra }).expect(202);
  await kit.settle();
  const order = await kit.db.knex('orders').where({ order_id: orderId }).first('result');
  const { referrerCashback: _cashback, ...quoted } = quote.body;
  return { quoted, applied: order?.result };
}

describe('a quote equals what the purchase event applies', () => {
  it('for a first order through a code, then for the same referee\'s next order', async () => {
    const first = await quoteThenPurchase('friend-1', '2026-11-02T10:00:00.000Z', { referralCode: code.toLowerCase() });
    expect(first.quoted.refereeDiscount).toBeGreaterThan(0);
    expect(first.applied).toEqual(first.quoted);
    const second = await quoteThenPurchase('friend-1', '2026-11-05T10:00:00.000Z');
    expect(second.quoted.referral).toMatchObject({ present: true, referrerId: 'alice' });
    expect(second.quoted.refereeDiscount).toBe(0);
    expect(second.applied).toEqual(second.quoted);
  });

  it('for a first order through a share link', async () => {
    const click = await request(kit.app).get(`/r/${code}`).expect(302);
    const visitorId = /rvid=([^;]+)/.exec((click.headers['set-cookie'] as unknown as string[])[0]!)![1]!;
    const at = new Date(Date.now() + 60_000).toISOString();
    const { quoted, applied } = await quoteThenPurchase('friend-2', at, { visitorId });
    expect(quoted.referral).toMatchObject({ present: true, source: 'link' });
    expect(applied).toEqual(quoted);
  });

  it('for a self-referral', async () => {
    const { quoted, applied } = await quoteThenPurchase('alice', '2026-11-03T10:00:00.000Z', { referralCode: code });
    expect(quoted.referral.blockedReason).toBeTruthy();
    expect(applied).toEqual(quoted);
  });

  it('for quotes answered together (one context read for several carts)', async () => {
    const at = '2026-11-12T10:00:00.000Z';
    const carts = [
      { userId: 'friend-3', referralCode: code.toLowerCase() },
      { userId: 'friend-4', referralCode: 'NOSUCHCODE' },
      { userId: 'friend-5' },
      { userId: 'alice', referralCode: code },
      { userId: 'friend-1', referralCode: code },
    ];
    const loader = kit.application.stores.purchaseContext;
    const batches = vi.spyOn(loader, 'loadMany');
    // Sent at once, so the server reads their contexts together (one batch in practice; fewer batches than carts at least).
    const quotes = await Promise.all(carts.map((extra) => request(kit.app).post('/v1/checkout/quote').send({ ...cart, at, ...extra }).expect(200)));
    const reads = batches.mock.calls.length;
    batches.mockRestore();
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThan(carts.length);
    expect(quotes[0]!.body.refereeDiscount).toBeGreaterThan(0);
    for (const [i, { userId, ...extra }] of carts.entries()) {
      const orderId = `ord-${randomUUID()}`;
      await kit.post({ id: `evt-${randomUUID()}`, type: 'purchase.completed', orderId, userId, occurredAt: at, ...cart, ...extra }).expect(202);
      await kit.settle();
      const order = await kit.db.knex('orders').where({ order_id: orderId }).first('result');
      const { referrerCashback: _cashback, ...quoted } = quotes[i]!.body;
      expect(order?.result).toEqual(quoted);
    }
  });
});
