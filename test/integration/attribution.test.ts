import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let aliceCode: string;
let bobCode: string;
const DAY = 86_400_000;
const cart = { currency: 'USD', items: [{ sku: 'SHOE-1', category: 'shoes', unitPrice: 10000, quantity: 1 }], discounts: [] };

beforeAll(async () => {
  t = await createTestApp();
  aliceCode = (await request(t.app).post('/v1/referral-codes').send({ userId: 'alice' })).body.code;
  bobCode = (await request(t.app).post('/v1/referral-codes').send({ userId: 'bob' })).body.code;
});
afterAll(async () => {
  await t.close();
});

/** Follows a share link as a browser would and returns the visitor id its cookie carries. */
async function click(code: string, visitorId?: string): Promise<string> {
  const req = request(t.app).get(`/r/${code}`);
  if (visitorId) req.set('Cookie', `rvid=${visitorId}`);
  const res = await req.expect(302);
  return visitorId ?? /rvid=([^;]+)/.exec((res.headers['set-cookie'] as unknown as string[])[0]!)![1]!;
}

const quote = (body: Record<string, unknown>) => request(t.app).post('/v1/checkout/quote').send({ ...cart, ...body }).expect(200);

describe('attribution', () => {
  it('attributes to the code entered at checkout over a link click', async () => {
    const visitorId = await click(bobCode);
    const res = await quote({ userId: 'friend-a', referralCode: aliceCode, visitorId });
    expect(res.body.referral).toEqual({ present: true, referrerId: 'alice', source: 'code', code: aliceCode });
    expect(res.body.refereeDiscount).toBe(500);
  });

  it('attributes to the most recent link click of the visitor when no code is entered', async () => {
    const visitorId = await click(aliceCode);
    await click(bobCode, visitorId);
    const res = await quote({ userId: 'friend-b', visitorId });
    expect(res.body.referral).toEqual({ present: true, referrerId: 'bob', source: 'link', code: bobCode });
    expect(res.body.refereeDiscount).toBe(500);
  });

  it('honours a click 29 days old and refuses one 31 days old (30-day window)', async () => {
    const visitorId = await click(aliceCode);
    const inside = await quote({ userId: 'friend-c', visitorId, at: new Date(Date.now() + 29 * DAY).toISOString() });
    expect(inside.body.referral).toMatchObject({ present: true, referrerId: 'alice', source: 'link' });
    const expired = await quote({ userId: 'friend-c', visitorId, at: new Date(Date.now() + 31 * DAY).toISOString() });
    expect(expired.body).toMatchObject({ referral: { present: false }, refereeDiscount: 0, referrerCashback: 0 });
    expect(expired.body.explanation[0].message).toMatch(/clicked more than 30 days before the order/);
  });

  it('does not count a click made after the order', async () => {
    const visitorId = await click(aliceCode);
    const res = await quote({ userId: 'friend-d', visitorId, at: new Date(Date.now() - DAY).toISOString() });
    expect(res.body.referral).toEqual({ present: false });
  });

  it('blocks self-referral by the same user, with the reason', async () => {
    const res = await quote({ userId: 'alice', referralCode: aliceCode });
    expect(res.body).toMatchObject({ refereeDiscount: 0, referrerCashback: 0, rewards: [] });
    expect(res.body.referral.blockedReason).toBeTruthy();
    expect(res.body.explanation.some((line: { step: string }) => line.step === 'fraud')).toBe(true);
  });

  it('blocks a second account that shares the referrer\'s email (normalized) or device', async () => {
    await t.db.knex('user_signals').insert([
      { user_id: 'alice', kind: 'email', value: 'alice@gmail.com' },
      { user_id: 'alice', kind: 'device', value: 'device-1' },
    ]);
    const email = await quote({ userId: 'alice-2', referralCode: aliceCode, signals: { email: 'A.L.I.C.E+promo@gmail.com' } });
    expect(email.body).toMatchObject({ refereeDiscount: 0, referral: { blockedReason: expect.any(String) } });
    const device = await quote({ userId: 'alice-3', referralCode: aliceCode, signals: { deviceFingerprint: 'device-1' } });
    expect(device.body).toMatchObject({ refereeDiscount: 0, referral: { blockedReason: expect.any(String) } });
    const other = await quote({ userId: 'carol', referralCode: aliceCode, signals: { email: 'carol@example.com', deviceFingerprint: 'device-2' } });
    expect(other.body.refereeDiscount).toBe(500);
  });

  it('does not treat a customer who ordered before as a new referee', async () => {
    await t.db.knex('purchase_events').insert({ id: 'evt-old', type: 'purchase.completed', order_id: 'old-1', payload: '{}', payload_hash: 'h', occurred_at: '2026-06-01T00:00:00Z' });
    await t.db.knex('orders').insert({ order_id: 'old-1', user_id: 'regular', event_id: 'evt-old', occurred_at: '2026-06-01T00:00:00Z', currency: 'USD', subtotal: 5000 });
    const res = await quote({ userId: 'regular', referralCode: aliceCode });
    expect(res.body).toMatchObject({ referral: { present: false }, refereeDiscount: 0 });
    expect(res.body.explanation[0].message).toMatch(/ordered before/);
  });

  it('keeps a referee bound to the first referrer whatever code comes later', async () => {
    await t.db.knex('referrals').insert({ referee_id: 'bound-friend', referrer_id: 'bob', code: bobCode, source: 'code', bound_at: '2026-11-01T00:00:00Z', first_order_id: 'first-1' });
    const res = await quote({ userId: 'bound-friend', referralCode: aliceCode });
    expect(res.body.referral).toMatchObject({ present: true, referrerId: 'bob', code: bobCode });
  });
});
