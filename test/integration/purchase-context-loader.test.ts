import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PurchaseContextLoader } from '../../src/referrals/purchase-context-loader.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const settings = { attributionWindowDays: 30, holdDays: 15 };
let db: TestDatabase;
let loader: PurchaseContextLoader;

beforeAll(async () => {
  db = await createTestDatabase();
  loader = new PurchaseContextLoader(db.knex);
  await db.knex('referral_codes').insert([
    { code: 'ALICE234', user_id: 'alice' },
    { code: 'BOBB2345', user_id: 'bob' },
  ]);
  await db.knex('link_clicks').insert([
    { code: 'ALICE234', visitor_id: 'v1', clicked_at: '2026-11-01T10:00:00Z' },
    { code: 'BOBB2345', visitor_id: 'v1', clicked_at: '2026-11-02T10:00:00Z' },
    { code: 'ALICE234', visitor_id: 'v1', clicked_at: '2026-12-30T10:00:00Z' },
  ]);
  await db.knex('purchase_events').insert([
    { id: 'e1', type: 'purchase.completed', order_id: 'o1', payload: '{}', payload_hash: 'x', occurred_at: '2026-10-01T00:00:00Z' },
  ]);
  await db.knex('orders').insert([
    { order_id: 'o1', user_id: 'carol', event_id: 'e1', occurred_at: '2026-10-01T00:00:00Z', currency: 'USD', subtotal: 1000 },
    { order_id: 'o2', user_id: 'carol', event_id: 'e1', occurred_at: '2026-10-05T00:00:00Z', currency: 'USD', subtotal: 1000 },
  ]);
  await db.knex('referrals').insert([
    { referee_id: 'dave', referrer_id: 'alice', code: 'ALICE234', source: 'link', clicked_at: '2026-10-01T00:00:00Z', bound_at: '2026-10-02T00:00:00Z', first_order_id: 'x1', status: 'successful', successful_at: '2026-10-20T00:00:00Z' },
    { referee_id: 'erin', referrer_id: 'alice', code: 'ALICE234', source: 'code', bound_at: '2026-10-03T00:00:00Z', first_order_id: 'x2', status: 'successful', successful_at: '2026-11-20T00:00:00Z' },
    { referee_id: 'fred', referrer_id: 'alice', code: 'ALICE234', source: 'code', bound_at: '2026-10-03T00:00:00Z', first_order_id: 'x3', status: 'pending' },
  ]);
  await db.knex('user_signals').insert([
    { user_id: 'alice', kind: 'email', value: 'alice@gmail.com' },
    { user_id: 'alice', kind: 'device', value: 'dev-a' },
  ]);
  await db.knex('campaign_budgets').insert({ campaign_id: 'holiday-2026', currency: 'USD', budget: 100000, spent: 1250 });
});

afterAll(async () => {
  await db.drop();
});

describe('PurchaseContextLoader', () => {
  it('takes the code entered over clicks, case-insensitively, with the referrer\'s successful referrals at that time', async () => {
    const context = await loader.load({ userId: 'zed', occurredAt: '2026-11-10T00:00:00Z', referralCode: 'alice234', visitorId: 'v1' }, settings);
    expect(context.referral).toEqual({ referrerId: 'alice', source: 'code', code: 'ALICE234' });
    expect(context.referrer).toEqual({ successfulReferrals: 1 });
    expect(context.referee).toEqual({ priorOrderCount: 0, firstOrderAt: null });
    expect(context.campaignSpent).toEqual({ 'holiday-2026': { USD: 1250 } });
  });

  it('falls back to the visitor\'s most recent click before the order, of any age', async () => {
    const context = await loader.load({ userId: 'zed', occurredAt: '2026-12-15T00:00:00Z', referralCode: 'NOSUCH22', visitorId: 'v1' }, settings);
    expect(context.referral).toEqual({ referrerId: 'bob', source: 'link', code: 'BOBB2345', clickedAt: '2026-11-02T10:00:00.000Z' });
  });

  it('returns the stored binding for a referee already bound', async () => {
    const context = await loader.load({ userId: 'dave', occurredAt: '2026-11-10T00:00:00Z', referralCode: 'BOBB2345' }, settings);
    expect(context.referral).toEqual({ referrerId: 'alice', source: 'link', code: 'ALICE234', clickedAt: '2026-10-01T00:00:00.000Z', boundAt: '2026-10-02T00:00:00.000Z' });
  });

  it('counts prior orders before the instant, leaving out the order itself', async () => {
    const context = await loader.load({ userId: 'carol', occurredAt: '2026-10-05T00:00:00Z', orderId: 'o2' }, settings);
    expect(context.referee).toEqual({ priorOrderCount: 1, firstOrderAt: '2026-10-01T00:00:00.000Z' });
    expect(context.referral).toBeNull();
    expect(context.referrer).toBeNull();
  });

  it('passes the referrer\'s signals equal to the order\'s, emails normalized', async () => {
    const context = await loader.load(
      { userId: 'zed', occurredAt: '2026-11-10T00:00:00Z', referralCode: 'ALICE234', signals: { email: 'A.lice+x@googlemail.com', deviceFingerprint: 'dev-b', paymentFingerprint: 'p' } },
      settings,
    );
    expect(context.referral?.referrerSignals).toEqual({ email: 'alice@gmail.com' });
  });

  it('answers concurrent loads outside a transaction with one statement, each as it would load alone', async () => {
    const lookups = [
      { userId: 'zed', occurredAt: '2026-11-10T00:00:00Z', referralCode: 'alice234', visitorId: 'v1' },
      { userId: 'zed', occurredAt: '2026-12-15T00:00:00Z', referralCode: 'NOSUCH22', visitorId: 'v1' },
      { userId: 'dave', occurredAt: '2026-11-10T00:00:00Z', referralCode: 'BOBB2345' },
      { userId: 'carol', occurredAt: '2026-10-05T00:00:00.000999Z', orderId: 'o2' },
      { userId: 'zed', occurredAt: '2026-11-10T00:00:00Z', referralCode: 'ALICE234', signals: { email: 'A.lice+x@googlemail.com', deviceFingerprint: 'dev-a' } },
      { userId: 'nobody', occurredAt: '2026-11-10T00:00:00+02:00' },
    ];
    const alone = await db.knex.transaction(async (trx) => {
      const contexts = [];
      for (const lookup of lookups) contexts.push(await loader.load(lookup, settings, trx));
      return contexts;
    });
    const batches = vi.spyOn(loader, 'loadMany');
    try {
      const together = await Promise.all(lookups.map((lookup) => loader.load(lookup, settings)));
      expect(together).toEqual(alone);
      expect(batches).toHaveBeenCalledTimes(1);
    } finally {
      batches.mockRestore();
    }
  });

  it('works inside a transaction', async () => {
    const context = await db.knex.transaction((trx) => loader.load({ userId: 'zed', occurredAt: '2026-11-10T00:00:00Z', visitorId: 'v1' }, settings, trx));
    expect(context.referral?.code).toBe('BOBB2345');
  });
});
