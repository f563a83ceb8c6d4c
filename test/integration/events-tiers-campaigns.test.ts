import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventTestKit, purchase, type EventTestKit } from '../support/event-test-kit.ts';
import { createTempRules, type TempRules } from '../support/temp-rules.ts';

let t: EventTestKit;
let rules: TempRules;
beforeAll(async () => {
  rules = await createTempRules();
  // A second campaign with a tiny budget, for the concurrency test: $1.00 and 250 points.
  await rules.edit(
    'campaigns/holiday-2026.json',
    (c) => {
      c.id = 'tiny-2026';
      c.effectiveFrom = '2026-08-01T00:00:00Z';
      c.campaign.name = 'Tiny budget';
      c.campaign.window = { start: '2026-08-01T00:00', end: '2026-08-31T00:00', timeZone: 'UTC' };
      c.campaign.budget = { USD: '1.00', PTS: '250' };
    },
    'campaigns/tiny-2026.json',
  );
  t = await createEventTestKit({ RULES_DIR: rules.dir, WORKER_CONCURRENCY: '25' });
  await t.referralCode('PRIYA5', 'u-priya');
  await t.referralCode('MARCO5', 'u-marco');
  await t.referralCode('TINY5', 'u-tiny');
  await t.startWorker();
});
afterAll(async () => {
  await t?.close();
  await rules?.remove();
});

async function send(...events: Array<Record<string, unknown>>): Promise<void> {
  for (const event of events) await t.post(event).expect(202);
  await t.settle();
}

const rewardsOf = (orderId: unknown) => t.db.knex('rewards').where({ order_id: orderId }).orderBy('kind').select('kind', 'currency', 'amount', 'campaign_id');

describe('tiers', () => {
  it('the 10th successful referral moves the referrer to silver for later purchases, not earlier ones', async () => {
    const firsts = Array.from({ length: 10 }, (_, i) => purchase({ referralCode: 'PRIYA5', occurredAt: `2026-02-0${(i % 9) + 1}T12:00:00Z` }));
    await send(...firsts);
    for (const first of firsts) expect(await rewardsOf(first.orderId)).toEqual([expect.objectContaining({ kind: 'cashback', amount: 95n })]);
    // Holds end Feb 16–24; after the sweep all ten referrals are successful.
    const swept = await t.worker!.events.lifecycle.confirmDue(new Date('2026-03-01T00:00:00Z'));
    expect(swept).toEqual({ confirmed: 10, successfulReferrals: 10 });

    const later = purchase({ referralCode: 'PRIYA5', occurredAt: '2026-03-05T12:00:00Z' });
    // Posted after, but it happened on Feb 20, when only 6 of the referrals had passed their hold: bronze.
    const earlier = purchase({ referralCode: 'PRIYA5', occurredAt: '2026-02-20T12:00:00Z' });
    await send(later, earlier);
    expect(await rewardsOf(later.orderId)).toEqual([expect.objectContaining({ kind: 'cashback', amount: 190n })]);
    expect(await rewardsOf(earlier.orderId)).toEqual([expect.objectContaining({ kind: 'cashback', amount: 95n })]);
    const result = (await t.db.knex('orders').where({ order_id: later.orderId }).first()).result;
    expect(result.tier).toEqual({ name: 'silver', cashbackPercent: '2' });
  });
});

describe('campaigns', () => {
  it('inside the holiday window: double cashback and 100 bonus points, drawn from the budget', async () => {
    const order = purchase({ referralCode: 'MARCO5', occurredAt: '2026-12-21T19:30:00-05:00' });
    await send(order);
    expect(await rewardsOf(order.orderId)).toEqual([
      { kind: 'bonus-points', currency: 'PTS', amount: 100n, campaign_id: 'holiday-2026' },
      { kind: 'campaign-cashback', currency: 'USD', amount: 95n, campaign_id: 'holiday-2026' },
      { kind: 'cashback', currency: 'USD', amount: 95n, campaign_id: '' },
    ]);
    const budgets = await t.db.knex('campaign_budgets').where({ campaign_id: 'holiday-2026' }).orderBy('currency');
    expect(budgets.map((b) => [b.currency, b.spent])).toEqual([['PTS', 100n], ['USD', 95n]]);
  });

  it('just outside the window (New York time): plain cashback only', async () => {
    const before = purchase({ referralCode: 'MARCO5', occurredAt: '2026-12-19T23:59:00-05:00' });
    const after = purchase({ referralCode: 'MARCO5', occurredAt: '2027-01-03T00:05:00-05:00' });
    await send(before, after);
    expect(await rewardsOf(before.orderId)).toEqual([{ kind: 'cashback', currency: 'USD', amount: 95n, campaign_id: '' }]);
    expect(await rewardsOf(after.orderId)).toEqual([{ kind: 'cashback', currency: 'USD', amount: 95n, campaign_id: '' }]);
  });

  it('25 concurrent purchases exhaust a tiny budget exactly, never beyond it', async () => {
    const orders = Array.from({ length: 25 }, () => purchase({ referralCode: 'TINY5', occurredAt: '2026-08-10T12:00:00Z' }));
    await Promise.all(orders.map((o) => t.post(o).expect(202)));
    await t.settle();
    const rows = await t.db.knex('rewards').where({ campaign_id: 'tiny-2026' }).select('currency', 'amount');
    const total = (currency: string) => rows.filter((r) => r.currency === currency).reduce((s, r) => s + (r.amount as bigint), 0n);
    expect(total('USD')).toBe(100n);
    expect(total('PTS')).toBe(250n);
    const budgets = await t.db.knex('campaign_budgets').where({ campaign_id: 'tiny-2026' }).orderBy('currency');
    expect(budgets.map((b) => [b.currency, b.spent, b.budget])).toEqual([['PTS', 250n, 250n], ['USD', 100n, 100n]]);
    // Every purchase still got its own tier cashback.
    expect(await t.db.knex('rewards').whereIn('order_id', orders.map((o) => o.orderId as string)).where({ kind: 'cashback' })).toHaveLength(25);
  });
});
