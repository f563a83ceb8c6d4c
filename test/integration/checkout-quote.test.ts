import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluatePurchase } from '../../src/engine/evaluate-purchase.ts';
import type { PurchaseInput } from '../../src/engine/purchase-input.ts';
import { rewardResultToJson } from '../../src/engine/result-json.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let code: string;
const AT = '2026-11-10T12:00:00.000Z';
const cart = {
  currency: 'USD',
  items: [
    { sku: 'SHOE-1', category: 'shoes', unitPrice: 12000, quantity: 1 },
    { sku: 'SOCK-1', category: 'socks', unitPrice: 500, quantity: 2 },
  ],
  discounts: [{ code: 'WELCOME10', kind: 'coupon', amount: 1000 }],
};

beforeAll(async () => {
  t = await createTestApp();
  code = (await request(t.app).post('/v1/referral-codes').send({ userId: 'alice' }).expect(201)).body.code;
});
afterAll(async () => {
  await t.close();
});

async function tableCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['referral_codes', 'link_clicks', 'referrals', 'orders', 'rewards', 'reward_entries', 'user_signals', 'purchase_events', 'campaign_budgets']) {
    const [row] = await t.db.knex(table).count<{ count: bigint }[]>('* as count');
    counts[table] = Number(row!.count);
  }
  return counts;
}

describe('POST /v1/checkout/quote', () => {
  it('gives a referred first order the referee discount and shows the referrer cashback, writing nothing', async () => {
    const before = await tableCounts();
    const res = await request(t.app).post('/v1/checkout/quote').send({ userId: 'friend-1', ...cart, referralCode: code.toLowerCase(), at: AT }).expect(200);
    expect(await tableCounts()).toEqual(before);
    // 5% of 130.00 = 6.50; total 130.00 − 10.00 − 6.50; bronze 1% of the eligible net 113.50 = 1.13 (floor).
    expect(res.body).toMatchObject({
      currency: 'USD',
      subtotal: 13000,
      shopDiscountTotal: 1000,
      refereeDiscount: 650,
      total: 11350,
      referrerCashback: 113,
      referral: { present: true, referrerId: 'alice', source: 'code', code },
      tier: { name: 'bronze', cashbackPercent: '1' },
    });
    expect(res.body.ruleFiles.map((file: { id: string }) => file.id)).toEqual(expect.arrayContaining(['referral', 'tiers', 'stacking']));
    expect(res.body.explanation.length).toBeGreaterThan(0);
  });

  it('equals evaluatePurchase for the same input', async () => {
    const res = await request(t.app).post('/v1/checkout/quote').send({ userId: 'friend-2', ...cart, referralCode: code, at: AT }).expect(200);
    const input: PurchaseInput = {
      order: { userId: 'friend-2', occurredAt: AT, ...cart },
      context: {
        referral: { referrerId: 'alice', source: 'code', code },
        referee: { priorOrderCount: 0, firstOrderAt: null },
        referrer: { successfulReferrals: 0 },
        campaignSpent: {},
      },
    };
    const direct = rewardResultToJson(await evaluatePurchase(t.application.services.rules.get(), input));
    const { referrerCashback, ...quoted } = res.body;
    expect(quoted).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(referrerCashback).toBe(direct.rewards.filter((r) => r.kind === 'cashback').reduce((sum, r) => sum + r.amount, 0));
  });

  it('gives no discount without a referral and says why', async () => {
    const res = await request(t.app).post('/v1/checkout/quote').send({ userId: 'walk-in', ...cart, at: AT }).expect(200);
    expect(res.body).toMatchObject({ refereeDiscount: 0, referrerCashback: 0, total: 12000, referral: { present: false } });
    expect(res.body.explanation[0].message).toMatch(/no referral code or attributed link click/);
  });

  it('treats a code that matches nothing as no referral rather than an error', async () => {
    for (const referralCode of ['NOSUCH99', ' not a code! ']) {
      const res = await request(t.app).post('/v1/checkout/quote').send({ userId: 'typo', ...cart, referralCode, at: AT }).expect(200);
      expect(res.body).toMatchObject({ refereeDiscount: 0, referral: { present: false } });
    }
    const padded = await request(t.app).post('/v1/checkout/quote').send({ userId: 'typo', ...cart, referralCode: ` ${code.toLowerCase()} `, at: AT }).expect(200);
    expect(padded.body.referral).toMatchObject({ present: true, referrerId: 'alice' });
  });

  it('defaults `at` to now', async () => {
    const res = await request(t.app).post('/v1/checkout/quote').send({ userId: 'friend-3', ...cart, referralCode: code }).expect(200);
    expect(Math.abs(Date.parse(res.body.occurredAt) - Date.now())).toBeLessThan(60_000);
  });

  it('answers 422 when no rule version is in force at `at`', async () => {
    const res = await request(t.app).post('/v1/checkout/quote').send({ userId: 'friend-1', ...cart, at: '2020-01-01T00:00:00Z' }).expect(422);
    expect(res.body.type).toMatch(/no-rules-in-force$/);
  });
});

describe('POST /v1/checkout/quote: bad input', () => {
  const post = (body: unknown) => request(t.app).post('/v1/checkout/quote').send(body as object);
  const withItem = (item: Record<string, unknown>) => ({ userId: 'u', currency: 'USD', items: [{ sku: 'a', category: 'c', unitPrice: 100, quantity: 1, ...item }] });

  it('refuses an unknown currency with a clear message', async () => {
    const res = await post({ ...withItem({}), currency: 'XYZ' }).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ type: expect.stringMatching(/unknown-currency$/), detail: expect.stringContaining('unknown currency "XYZ"') });
    await post({ ...withItem({}), currency: 'PTS' }).expect(400);
    await post({ ...withItem({}), currency: 'usd' }).expect(400);
  });

  it('refuses float, negative, string and oversized money with the field named', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ unitPrice: 12.5 }, 'must be integer'],
      [{ unitPrice: -1 }, 'must be >= 0'],
      [{ unitPrice: '100' }, 'must be integer'],
      [{ unitPrice: 1e16 }, 'must be <= 10000000000'],
      [{ quantity: 0 }, 'must be >= 1'],
    ];
    for (const [item, detail] of cases) {
      const res = await post(withItem(item)).expect(400);
      expect(res.body.errors).toContainEqual({ pointer: expect.stringMatching(/^\/body\/items\/0\/(unitPrice|quantity)$/), detail });
    }
    const discount = await post({ ...withItem({}), discounts: [{ code: 'X', kind: 'coupon', amount: 1.5 }] }).expect(400);
    expect(discount.body.errors).toEqual([{ pointer: '/body/discounts/0/amount', detail: 'must be integer' }]);
  });

  it('refuses unknown fields at every level', async () => {
    expect((await post({ ...withItem({}), coupon: 'x' }).expect(400)).body.errors).toEqual([{ pointer: '/body/coupon', detail: 'unknown field' }]);
    expect((await post(withItem({ color: 'red' })).expect(400)).body.errors).toEqual([{ pointer: '/body/items/0/color', detail: 'unknown field' }]);
    expect((await post({ ...withItem({}), signals: { ip: '1.2.3.4' } }).expect(400)).body.errors).toEqual([{ pointer: '/body/signals/ip', detail: 'unknown field' }]);
  });

  it('refuses missing fields, an empty cart and a bad date', async () => {
    expect((await post({ userId: 'u', currency: 'USD' }).expect(400)).body.errors).toEqual([{ pointer: '/body/items', detail: 'is required' }]);
    await post({ ...withItem({}), items: [] }).expect(400);
    await post({ ...withItem({}), at: 'yesterday' }).expect(400);
  });
});
