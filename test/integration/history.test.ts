import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKOUT_KEY, createTestApp, WITH_KEYS, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let code: string;
const auth = { Authorization: `Bearer ${CHECKOUT_KEY}` };

async function order(orderId: string, userId: string, occurredAt: string, status = 'completed', isFirst = false): Promise<void> {
  await t.db.knex('purchase_events').insert({ id: `evt-${orderId}`, type: 'purchase.completed', order_id: orderId, payload: '{}', payload_hash: 'h', occurred_at: occurredAt });
  await t.db.knex('orders').insert({ order_id: orderId, user_id: userId, event_id: `evt-${orderId}`, occurred_at: occurredAt, currency: 'USD', subtotal: 10000, status, is_first_order: isFirst, referrer_id: 'alice' });
}

async function referral(refereeId: string, boundAt: string, status: 'pending' | 'successful' | 'void', referrerId = 'alice'): Promise<void> {
  await t.db.knex('referrals').insert({
    referee_id: refereeId, referrer_id: referrerId, code: referrerId === 'alice' ? code : 'STARCODE', source: 'code', bound_at: boundAt,
    first_order_id: `first-${refereeId}`, status, successful_at: status === 'successful' ? boundAt : null,
  });
}

/** A reward and its ledger entries: [entry_type, from, to, amount]. */
async function reward(orderId: string, kind: string, currency: string, amount: number, grantedAt: string, entries: Array<[string, string | null, string, number]>): Promise<void> {
  const [row] = await t.db.knex('rewards').insert({
    order_id: orderId, beneficiary_id: 'alice', role: 'referrer', kind, currency, amount, rounding: 'floor', granted_at: grantedAt,
    hold_until: grantedAt, event_id: `evt-${orderId}`, rule_files: '[]', rules_fired: '[]', explanation: '[]',
  }).returning('id');
  for (const [entryType, from, to, value] of entries) {
    await t.db.knex('reward_entries').insert({ reward_id: row.id, beneficiary_id: 'alice', currency, kind, entry_type: entryType, from_bucket: from, to_bucket: to, amount: value, event_id: entryType === 'reverse' ? `evt-${orderId}` : null });
  }
}

beforeAll(async () => {
  t = await createTestApp(WITH_KEYS);
  code = (await request(t.app).post('/v1/referral-codes').set(auth).send({ userId: 'alice' }).expect(201)).body.code;
  await referral('friend-1', '2026-10-01T10:00:00Z', 'successful');
  await referral('friend-2', '2026-10-05T10:00:00Z', 'successful');
  await referral('friend-3', '2026-10-05T10:00:00Z', 'pending'); // same instant as friend-2: the id breaks the tie
  await referral('friend-4', '2026-10-09T10:00:00Z', 'void');
  await order('o1', 'friend-1', '2026-10-01T10:00:00Z', 'completed', true);
  await order('o2', 'friend-1', '2026-10-20T10:00:00Z', 'partially_refunded');
  await order('o3', 'friend-2', '2026-10-05T10:00:00Z', 'completed', true);
  await order('o4', 'friend-4', '2026-10-09T10:00:00Z', 'refunded', true);
  await reward('o1', 'cashback', 'USD', 113, '2026-10-01T10:00:00Z', [['grant', null, 'pending', 113], ['confirm', 'pending', 'confirmed', 113]]);
  await reward('o2', 'cashback', 'USD', 100, '2026-10-20T10:00:00Z', [['grant', null, 'pending', 100], ['confirm', 'pending', 'confirmed', 100], ['reverse', 'confirmed', 'reversed', 40]]);
  await reward('o3', 'cashback', 'USD', 200, '2026-10-05T10:00:00Z', [['grant', null, 'pending', 200]]);
  await reward('o3', 'bonus-points', 'PTS', 500, '2026-10-05T10:00:00Z', [['grant', null, 'pending', 500]]);
  await reward('o4', 'cashback', 'USD', 300, '2026-10-09T10:00:00Z', [['grant', null, 'pending', 300], ['reverse', 'pending', 'reversed', 300]]);
});
afterAll(async () => {
  await t.close();
});

describe('GET /v1/users/:userId/referrals', () => {
  it('shows the code and link, tier, progress, and masked referees newest first with their purchases', async () => {
    const res = await request(t.app).get('/v1/users/alice/referrals').set(auth).expect(200);
    expect(res.body).toMatchObject({
      userId: 'alice',
      code: { code, link: `https://refer.example/r/${code}` },
      tier: { name: 'bronze', cashbackPercent: '1', threshold: 0 },
      successfulReferrals: 2,
      nextTier: { name: 'silver', cashbackPercent: '2', threshold: 10, referralsNeeded: 8 },
      nextCursor: null,
    });
    expect(res.body.referrals.map((r: { referee: string; status: string }) => [r.referee, r.status])).toEqual([
      ['f***4', 'void'],
      ['f***3', 'pending'],
      ['f***2', 'successful'],
      ['f***1', 'successful'],
    ]);
    expect(res.body.referrals[3]).toMatchObject({
      referredAt: '2026-10-01T10:00:00.000Z',
      source: 'code',
      purchaseCount: 2,
      purchases: [
        { occurredAt: '2026-10-20T10:00:00.000Z', status: 'partially_refunded', firstOrder: false },
        { occurredAt: '2026-10-01T10:00:00.000Z', status: 'completed', firstOrder: true },
      ],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/friend-/);
  });

  it('pages with an opaque cursor, without gaps or repeats across equal timestamps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(t.app).get('/v1/users/alice/referrals').query({ limit: 1, ...(cursor ? { cursor } : {}) }).set(auth).expect(200);
      seen.push(...res.body.referrals.map((r: { referee: string }) => r.referee));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['f***4', 'f***3', 'f***2', 'f***1']);
  });

  it('places a referrer with 10 successful referrals in silver, 40 short of gold', async () => {
    for (let i = 0; i < 10; i++) await referral(`star-friend-${i}`, `2026-09-0${(i % 9) + 1}T00:00:00Z`, 'successful', 'star');
    const res = await request(t.app).get('/v1/users/star/referrals').query({ limit: 3 }).set(auth).expect(200);
    expect(res.body).toMatchObject({ code: null, successfulReferrals: 10, tier: { name: 'silver' }, nextTier: { name: 'gold', referralsNeeded: 40 } });
    expect(res.body.referrals).toHaveLength(3);
    expect(res.body.nextCursor).toEqual(expect.any(String));
  });

  it('shows an empty history for a user with none', async () => {
    const res = await request(t.app).get('/v1/users/nobody/referrals').set(auth).expect(200);
    expect(res.body).toMatchObject({ code: null, successfulReferrals: 0, referrals: [], nextCursor: null, tier: { name: 'bronze' } });
  });
});

describe('GET /v1/users/:userId/rewards', () => {
  it('lists rewards newest first with their status and balances per kind and currency', async () => {
    const res = await request(t.app).get('/v1/users/alice/rewards').set(auth).expect(200);
    expect(res.body.balances).toEqual([
      { kind: 'bonus-points', currency: 'PTS', pending: 500, confirmed: 0, reversed: 0 },
      { kind: 'cashback', currency: 'USD', pending: 200, confirmed: 113 + 60, reversed: 40 + 300 },
    ]);
    expect(res.body.rewards.map((r: { orderId: string; kind: string; status: string; amount: number }) => [r.orderId, r.kind, r.status, r.amount])).toEqual([
      ['o2', 'cashback', 'confirmed', 100],
      ['o4', 'cashback', 'reversed', 300],
      ['o3', 'bonus-points', 'pending', 500],
      ['o3', 'cashback', 'pending', 200],
      ['o1', 'cashback', 'confirmed', 113],
    ]);
    expect(res.body.rewards[0]).toMatchObject({ referee: 'f***1', pending: 0, confirmed: 60, reversed: 40, campaignId: null, grantedAt: '2026-10-20T10:00:00.000Z' });
    expect(res.body.nextCursor).toBeNull();
  });

  it('pages with a cursor; balances cover the whole ledger on every page', async () => {
    const first = await request(t.app).get('/v1/users/alice/rewards').query({ limit: 2 }).set(auth).expect(200);
    expect(first.body.rewards).toHaveLength(2);
    const second = await request(t.app).get('/v1/users/alice/rewards').query({ limit: 2, cursor: first.body.nextCursor }).set(auth).expect(200);
    const third = await request(t.app).get('/v1/users/alice/rewards').query({ limit: 2, cursor: second.body.nextCursor }).set(auth).expect(200);
    expect(third.body.nextCursor).toBeNull();
    const ids = [...first.body.rewards, ...second.body.rewards, ...third.body.rewards].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(5);
    expect(third.body.balances).toEqual(first.body.balances);
  });

  it('filters by status', async () => {
    const orders = async (status: string) =>
      (await request(t.app).get('/v1/users/alice/rewards').query({ status }).set(auth).expect(200)).body.rewards.map((r: { orderId: string; kind: string }) => `${r.orderId}/${r.kind}`);
    expect(await orders('pending')).toEqual(['o3/bonus-points', 'o3/cashback']);
    expect(await orders('confirmed')).toEqual(['o2/cashback', 'o1/cashback']);
    expect(await orders('reversed')).toEqual(['o4/cashback']);
    await request(t.app).get('/v1/users/alice/rewards').query({ status: 'paid' }).set(auth).expect(400);
  });

  it('shows empty balances for a user with no rewards', async () => {
    const res = await request(t.app).get('/v1/users/nobody/rewards').set(auth).expect(200);
    expect(res.body).toEqual({ userId: 'nobody', balances: [], rewards: [], nextCursor: null });
  });
});

describe('history: bad requests', () => {
  it('refuses a forged cursor, a limit out of range and unknown parameters', async () => {
    for (const path of ['/v1/users/alice/referrals', '/v1/users/alice/rewards']) {
      const forged = await request(t.app).get(path).query({ cursor: 'bm90LWEtY3Vyc29y' }).set(auth).expect(400);
      expect(forged.body.type).toMatch(/invalid-cursor$/);
      await request(t.app).get(path).query({ limit: 0 }).set(auth).expect(400);
      await request(t.app).get(path).query({ limit: 101 }).set(auth).expect(400);
      await request(t.app).get(path).query({ limit: 'ten' }).set(auth).expect(400);
      await request(t.app).get(path).query({ page: 2 }).set(auth).expect(400);
      await request(t.app).get(path).expect(401);
    }
  });
});
