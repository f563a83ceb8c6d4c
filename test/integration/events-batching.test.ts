import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptInfo } from '../../src/events/event-processor.ts';
import { prng } from '../support/prng.ts';
import { CLICKS, REFERRERS, chunksOf, codeOf, purchaseStream } from '../support/purchase-stream.ts';
import { createTempRules, type TempRules } from '../support/temp-rules.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import type { PurchaseEvent } from '../../src/events/purchase-event-schema.ts';

/**
 * Group commit (EventProcessor.handleMany) against one event at a time (handle): the same events
 * in the same order must leave the same database. Two databases: `one` gets every event by itself,
 * `batched` the same stream in batches. No worker runs: events go into the inbox through its store
 * (nothing is enqueued) and the test calls the processor itself, so nothing races it.
 */
let rules: TempRules;
let one: TestApp;
let batched: TestApp;
beforeAll(async () => {
  rules = await createTempRules();
  // Budgets small enough to run dry: one for the stream (as in events-tiers-campaigns), one for a single batch, one for a few events.
  await addCampaign('tiny-2026', '2026-08', { USD: '25.00', PTS: '300' });
  await addCampaign('october-2026', '2026-10', { USD: '2.00', PTS: '200' });
  await addCampaign('november-2026', '2026-11', { USD: '1.00' });
  [one, batched] = await Promise.all([createTestApp({ RULES_DIR: rules.dir }), createTestApp({ RULES_DIR: rules.dir })]);
});
afterAll(async () => {
  await Promise.all([one?.close(), batched?.close()]);
  await rules?.remove();
});

/** A copy of the holiday campaign (double cashback, 100 points per first order) for one month of 2026 (UTC) with this budget. */
async function addCampaign(id: string, month: string, budget: Record<string, string>): Promise<void> {
  await rules.edit(
    'campaigns/holiday-2026.json',
    (c) => {
      c.id = id;
      c.effectiveFrom = `${month}-01T00:00:00Z`;
      c.campaign.name = id;
      c.campaign.window = { start: `${month}-01T00:00`, end: `${month}-28T00:00`, timeZone: 'UTC' };
      c.campaign.budget = budget;
    },
    `campaigns/${id}.json`,
  );
}

const FIRST: AttemptInfo = { attemptsMade: 0, maxAttempts: 3 };
type Answer = { result: string } | { error: string };

const processorOf = (t: TestApp) => t.application.events.processor;
const store = (t: TestApp, events: ReadonlyArray<Record<string, unknown>>) => t.application.events.stores.inbox.storeAll(events as unknown as PurchaseEvent[]);

async function oneByOne(t: TestApp, ids: readonly string[]): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const id of ids) answers.push(await processorOf(t).handle(id, FIRST).then((result) => ({ result }), (error: Error) => ({ error: error.message })));
  return answers;
}

async function inBatches(t: TestApp, chunks: ReadonlyArray<readonly string[]>): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const chunk of chunks) {
    const settled = await processorOf(t).handleMany(chunk.map((eventId) => ({ eventId, attempt: FIRST })));
    for (const s of settled) answers.push(s.status === 'fulfilled' ? { result: s.value } : { error: (s.reason as Error).message });
  }
  return answers;
}

/** The stream's referral codes and link clicks, the same in both databases. */
async function seedReferrers(t: TestApp): Promise<void> {
  for (const user of REFERRERS) await t.application.stores.referralCodes.insertVanity(codeOf(user), user);
  for (const click of CLICKS) await t.application.services.referralCodes.recordClick(codeOf(click.referrer), click.visitorId, new Date(click.at));
}

// ---------------------------------------------------------------------------------------------
// The database as a user of it sees it: every table the pipeline writes, without surrogate ids
// and without the times the database stamped with now().

async function snapshot(knex: Knex) {
  const rows = async (sql: string) => (await knex.raw(sql)).rows as Array<Record<string, unknown>>;
  return {
    orders: await rows(`SELECT order_id, user_id, event_id, occurred_at, currency, subtotal, eligible_net, refunded, status, referrer_id, is_first_order, result FROM orders ORDER BY order_id`),
    referrals: await rows(`SELECT referee_id, referrer_id, code, source, click_id, clicked_at, bound_at, first_order_id, status, successful_at FROM referrals ORDER BY referee_id`),
    userSignals: await rows(`SELECT user_id, kind, value FROM user_signals ORDER BY user_id, kind, value`),
    rewards: await rows(
      `SELECT order_id, beneficiary_id, role, kind, currency, campaign_id, amount, rounding, granted_at, hold_until, event_id, rule_files, rules_fired, explanation
         FROM rewards ORDER BY event_id, beneficiary_id, kind, role, campaign_id`,
    ),
    rewardEntries: await rows(
      `SELECT r.event_id AS reward_event, r.beneficiary_id AS reward_beneficiary, r.kind AS reward_kind, r.role, r.campaign_id,
              e.beneficiary_id, e.currency, e.kind, e.entry_type, e.from_bucket, e.to_bucket, e.amount, e.event_id, e.note
         FROM reward_entries e JOIN rewards r ON r.id = e.reward_id
        ORDER BY r.event_id, r.beneficiary_id, r.kind, r.role, r.campaign_id, e.entry_type, e.event_id NULLS FIRST, e.amount`,
    ),
    campaignBudgets: await rows(`SELECT campaign_id, currency, budget, spent FROM campaign_budgets ORDER BY campaign_id, currency`),
    inbox: await rows(`SELECT id, type, order_id, status, failure_reason FROM purchase_events ORDER BY id`),
    processing: await rows(
      `SELECT event_id, CASE WHEN outcome->'rewardIds' IS NULL THEN outcome
                             ELSE (outcome - 'rewardIds') || jsonb_build_object('rewards', jsonb_array_length(outcome->'rewardIds')) END AS outcome
         FROM event_processing ORDER BY event_id`,
    ),
  };
}

/** Only what concerns these users: their orders, the bindings and rewards those orders made. */
async function snapshotOf(knex: Knex, users: readonly string[]) {
  const snap = await snapshot(knex);
  const orders = new Set(snap.orders.filter((o) => users.includes(o.user_id as string)).map((o) => o.order_id));
  return {
    orders: snap.orders.filter((o) => orders.has(o.order_id)),
    referrals: snap.referrals.filter((o) => orders.has(o.first_order_id)),
    rewards: snap.rewards.filter((o) => orders.has(o.order_id)),
  };
}

const json = (row: unknown) => JSON.stringify(row, (_, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));
/** A row to read in a failure message: big JSON columns (results, explanations) cut short. */
const shown = (row: string) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(row) as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'object' && v !== null && JSON.stringify(v).length > 120 ? `${JSON.stringify(v).slice(0, 120)}…` : v])));

/** The rows each side has and the other lacks, per table (a few of each): empty when both are the same. */
function differences(a: Record<string, unknown[]>, b: Record<string, unknown[]>): Array<{ table: string; onlyOneByOne: string[]; onlyBatched: string[]; rows: [number, number] }> {
  return Object.keys(a).flatMap((table) => {
    const left = a[table]!.map(json);
    const right = b[table]!.map(json);
    const rightLeft = [...right];
    const onlyLeft = left.filter((row) => {
      const at = rightLeft.indexOf(row);
      if (at === -1) return true;
      rightLeft.splice(at, 1);
      return false;
    });
    if (onlyLeft.length === 0 && rightLeft.length === 0 && left.join() === right.join()) return [];
    return [{ table, onlyOneByOne: onlyLeft.slice(0, 3).map(shown), onlyBatched: rightLeft.slice(0, 3).map(shown), rows: [left.length, right.length] }];
  });
}

// ---------------------------------------------------------------------------------------------

/*
 * The claim: a chunk handed to handleMany leaves exactly the database that handling its events one
 * by one, in the same order, leaves (batches end at the first purchase that depends on one before
 * it; the rest is handled in order).
 */
describe('purchases applied in batches', () => {
  it('leave exactly the database that applying the same events one by one leaves', async () => {
    const stream = purchaseStream(20261125);
    const ids = stream.map((e) => e.id as string);
    const chunks = chunksOf(ids, prng(7));
    for (const t of [one, batched]) {
      await seedReferrers(t);
      await store(t, stream);
    }

    const answersOne = await oneByOne(one, ids);
    const answersBatched = await inBatches(batched, chunks);

    const a = await snapshot(one.db.knex);
    const b = await snapshot(batched.db.knex);
    expect(differences(a, b)).toEqual([]);

    // Every purchase got the answer it would have got alone. (A refund posted before its purchase
    // may be parked in one run and applied at once in the other, when both share a batch.)
    const purchaseAnswers = (answers: Answer[]) => answers.filter((_, i) => stream[i]!.type === 'purchase.completed');
    expect(purchaseAnswers(answersBatched)).toEqual(purchaseAnswers(answersOne));

    // The stream exercised what it is meant to: a batch of at least 10 purchases committed together
    // (one transaction: one now() for all their processed marks), a reused order refused, a
    // redelivery recognised, refunds parked and applied, a self-referral blocked, a referral made
    // through a share link, the tiny budget drawn down to nothing.
    const { rows: together } = await batched.db.knex.raw(
      `SELECT count(*)::int AS n FROM event_processing p JOIN purchase_events e ON e.id = p.event_id WHERE e.type = 'purchase.completed' GROUP BY p.processed_at`,
    );
    expect(Math.max(...together.map((g: { n: number }) => g.n))).toBeGreaterThanOrEqual(10);
    expect(answersBatched.filter((x) => 'error' in x && /order ord-\d+ was already reported by event evt-\d+/.test(x.error))).toHaveLength(4);
    expect(answersBatched.filter((x) => 'result' in x && x.result === 'already-processed').length).toBeGreaterThan(3);
    expect(answersOne.filter((x) => 'result' in x && x.result === 'deferred').length).toBeGreaterThan(5);
    expect(b.inbox.filter((row) => row.status === 'deferred')).toEqual([]);
    expect(b.orders.filter((row) => /self-referral/.test(JSON.stringify(row.result))).length).toBeGreaterThan(0);
    expect(b.referrals.filter((row) => row.source === 'link').length).toBeGreaterThan(0);
    expect(b.campaignBudgets.filter((row) => row.campaign_id === 'tiny-2026').map((row) => [row.currency, row.spent, row.budget])).toEqual([
      ['PTS', 300n, 300n],
      ['USD', 2500n, 2500n],
    ]);
    expect(b.campaignBudgets.filter((row) => row.campaign_id === 'holiday-2026' && (row.spent as bigint) > 0n).length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Small cases, each on users of its own (so the stream above does not matter to them).

let serial = 0;
/** A purchase of 100.00 USD with these fields; ids unique to this file run. */
function purchase(fields: Record<string, unknown>): Record<string, unknown> {
  serial += 1;
  return {
    id: `evt-x${serial}`,
    type: 'purchase.completed',
    orderId: `ord-x${serial}`,
    occurredAt: '2026-03-10T12:00:00Z',
    currency: 'USD',
    items: [{ sku: 'SHOE', category: 'shoes', unitPrice: 10_000, quantity: 1 }],
    discounts: [],
    ...fields,
  };
}

/** Fresh users (and a code for the first, their referrer) in both databases. */
async function freshUsers(prefix: string, count: number): Promise<{ users: string[]; code: string }> {
  const users = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const code = `${prefix.toUpperCase().replace(/[^A-Z0-9]/g, '')}CODE`;
  for (const t of [one, batched]) await t.application.stores.referralCodes.insertVanity(code, users[0]!);
  return { users, code };
}

/** The events one by one into `one`, as one handleMany into `batched`; both answers and both databases' rows of these users. */
async function applyBothWays(events: Array<Record<string, unknown>>, users: readonly string[]) {
  const ids = events.map((e) => e.id as string);
  for (const t of [one, batched]) await store(t, events);
  const answersOne = await oneByOne(one, ids);
  const answersBatched = await inBatches(batched, [ids]);
  return { answersOne, answersBatched, one: await snapshotOf(one.db.knex, users), batched: await snapshotOf(batched.db.knex, users) };
}

describe('one batch', () => {
  it('applies its good purchases although one of them reuses an order another event reported, and refuses only that one', async () => {
    const { users, code } = await freshUsers('iso', 12);
    const earlier = purchase({ userId: users[11], referralCode: code });
    await store(batched, [earlier]);
    expect(await processorOf(batched).handle(earlier.id as string, FIRST)).toBe('processed');

    const good = users.slice(1, 11).map((userId) => purchase({ userId, referralCode: code }));
    // Another user, another event, the same order id; with a code and signals that would be recorded were it applied.
    const reuse = purchase({ userId: 'iso-reuser', orderId: earlier.orderId, referralCode: code, signals: { email: 'reuser@mail.example' } });
    const items = [...good.slice(0, 5), reuse, ...good.slice(5)];
    await store(batched, items);
    const answers = await inBatches(batched, [items.map((e) => e.id as string)]);

    expect(answers.filter((_, i) => i !== 5)).toEqual(good.map(() => ({ result: 'processed' })));
    expect(answers[5]).toEqual({ error: `order ${earlier.orderId} was already reported by event ${earlier.id}` });
    const knex = batched.db.knex;
    // Each good purchase: its order, the referrer's cashback in the ledger with its grant entry, the event processed.
    for (const event of good) {
      expect(await knex('orders').where({ order_id: event.orderId }).first()).toMatchObject({ event_id: event.id, user_id: event.userId, is_first_order: true, referrer_id: users[0] });
      const rewards = await knex('rewards').where({ event_id: event.id });
      expect(rewards).toEqual([expect.objectContaining({ beneficiary_id: users[0], kind: 'cashback', amount: 95n })]);
      expect(await knex('reward_entries').where({ reward_id: rewards[0].id })).toEqual([expect.objectContaining({ entry_type: 'grant', to_bucket: 'pending', amount: 95n })]);
      expect(await knex('purchase_events').where({ id: event.id }).first()).toMatchObject({ status: 'processed', failure_reason: null });
      expect(await knex('referrals').where({ referee_id: event.userId }).first()).toMatchObject({ referrer_id: users[0], first_order_id: event.orderId });
    }
    // The bad one: failed with its reason, nothing of it anywhere; the order is still the first event's.
    expect(await knex('purchase_events').where({ id: reuse.id }).first()).toMatchObject({ status: 'failed', failure_reason: `order ${earlier.orderId} was already reported by event ${earlier.id}` });
    expect(await knex('rewards').where({ event_id: reuse.id })).toEqual([]);
    expect(await knex('reward_entries').where({ event_id: reuse.id })).toEqual([]);
    expect(await knex('event_processing').where({ event_id: reuse.id })).toEqual([]);
    expect(await knex('user_signals').where({ user_id: reuse.userId })).toEqual([]);
    expect(await knex('orders').where({ order_id: earlier.orderId })).toEqual([expect.objectContaining({ event_id: earlier.id, user_id: users[11] })]);
    // And the good ones were not merely retried one by one after a failed batch: they committed together.
    expect(await knex('event_processing').whereIn('event_id', good.map((e) => e.id as string)).distinct('processed_at')).toHaveLength(1);
  });

  it('whose write the database refuses for one purchase is applied one by one: the others commit, only that one fails', async () => {
    const { users, code } = await freshUsers('dbfail', 9);
    const events = users.slice(1).map((userId) => purchase({ userId, referralCode: code }));
    const poison = events[3]!;
    const knex = batched.db.knex;
    // A failure only the database knows about, in the middle of the batch's one write statement.
    await knex.raw(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.order_id = '${poison.orderId}' THEN RAISE EXCEPTION 'order % refused by the test', NEW.order_id; END IF; RETURN NEW; END $$`);
    await knex.raw('CREATE TRIGGER refuse_poison BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION refuse_poison()');
    try {
      await store(batched, events);
      const settled = await processorOf(batched).handleMany(events.map((e) => ({ eventId: e.id as string, attempt: { attemptsMade: 0, maxAttempts: 1 } })));
      const answers = settled.map((s) => (s.status === 'fulfilled' ? { result: s.value } : { error: (s.reason as Error).message }));

      expect(answers.filter((_, i) => i !== 3)).toEqual(events.filter((e) => e !== poison).map(() => ({ result: 'processed' })));
      expect(answers[3]).toEqual({ error: expect.stringContaining(`order ${poison.orderId} refused by the test`) });
      for (const event of events.filter((e) => e !== poison)) {
        expect(await knex('rewards').where({ event_id: event.id })).toEqual([expect.objectContaining({ beneficiary_id: users[0], kind: 'cashback', amount: 95n })]);
      }
      // Its last attempt failed: recorded with the database's reason, nothing of it written.
      expect(await knex('purchase_events').where({ id: poison.id }).first()).toMatchObject({ status: 'failed', failure_reason: expect.stringContaining('refused by the test') });
      expect(await knex('orders').where({ order_id: poison.orderId })).toEqual([]);
      expect(await knex('event_processing').where({ event_id: poison.id })).toEqual([]);
      expect(await knex('referrals').where({ referee_id: poison.userId })).toEqual([]);
    } finally {
      await knex.raw('DROP TRIGGER refuse_poison ON orders');
      await knex.raw('DROP FUNCTION refuse_poison()');
    }
  });

  it('with two purchases of a new referee, makes the earlier one the first order and the later one not, as one by one does', async () => {
    const { users, code } = await freshUsers('twice', 2);
    const first = purchase({ userId: users[1], referralCode: code, occurredAt: '2026-03-10T12:00:00Z' });
    const second = purchase({ userId: users[1], referralCode: code, occurredAt: '2026-03-12T12:00:00Z' });
    const both = await applyBothWays([first, second], users);

    expect(both.answersBatched).toEqual([{ result: 'processed' }, { result: 'processed' }]);
    expect(both.batched).toEqual(both.one);
    expect(both.batched.orders.map((o) => [o.order_id, o.is_first_order, o.referrer_id])).toEqual([
      [first.orderId, true, users[0]],
      [second.orderId, false, users[0]],
    ]);
    expect(both.batched.referrals).toEqual([expect.objectContaining({ referee_id: users[1], referrer_id: users[0], first_order_id: first.orderId, bound_at: new Date('2026-03-10T12:00:00Z') })]);
    // The 5% referee discount on the first order only; the referrer's cashback on both (5% off 100.00 → 1% of 95.00, then 1% of 100.00).
    const discount = (o: Record<string, unknown>) => (o.result as { refereeDiscount?: { amount: unknown } }).refereeDiscount;
    expect(both.batched.orders.map((o) => Boolean(discount(o)))).toEqual([true, false]);
    expect(both.batched.rewards.map((r) => [r.order_id, r.kind, r.amount])).toEqual([
      [first.orderId, 'cashback', 95n],
      [second.orderId, 'cashback', 100n],
    ]);
  });

  it('that runs a campaign budget dry gives each purchase what the ones before it left, in one transaction', async () => {
    const { users, code } = await freshUsers('budget', 6);
    const events = users.slice(1).map((userId, i) => purchase({ userId, referralCode: code, occurredAt: `2026-10-1${i}T12:00:00Z` }));
    const both = await applyBothWays(events, users);
    expect(both.batched).toEqual(both.one);
    const budget = async (t: TestApp) => t.db.knex('campaign_budgets').where({ campaign_id: 'october-2026' }).orderBy('currency').select('currency', 'spent', 'budget');
    expect(await budget(batched)).toEqual(await budget(one));
    expect(await budget(batched)).toEqual([
      { currency: 'PTS', spent: 200n, budget: 200n },
      { currency: 'USD', spent: 200n, budget: 200n },
    ]);
    // 2.00 USD of extra cashback: 0.95 + 0.95 + the 0.10 left; 200 points: 100 + 100.
    const position = (orderId: unknown) => events.findIndex((e) => e.orderId === orderId);
    const campaign = both.batched.rewards
      .filter((r) => r.campaign_id === 'october-2026')
      .map((r) => [r.order_id, r.kind, r.amount])
      .sort((x, y) => position(x[0]) - position(y[0]) || String(x[1]).localeCompare(String(y[1])));
    expect(campaign).toEqual([
      [events[0]!.orderId, 'bonus-points', 100n],
      [events[0]!.orderId, 'campaign-cashback', 95n],
      [events[1]!.orderId, 'bonus-points', 100n],
      [events[1]!.orderId, 'campaign-cashback', 95n],
      [events[2]!.orderId, 'campaign-cashback', 10n],
    ]);
    // Applied together, not one by one after a failed batch: one transaction, one now() on every processed mark.
    const marks = await batched.db.knex('event_processing').whereIn('event_id', events.map((e) => e.id as string)).distinct('processed_at');
    expect(marks).toHaveLength(1);
  });

  it('delivered again: every event is already processed and the ledger does not change', async () => {
    const { users, code } = await freshUsers('again', 7);
    const events = users.slice(1).map((userId) => purchase({ userId, referralCode: code }));
    const ids = events.map((e) => e.id as string);
    await store(batched, events);
    expect(await inBatches(batched, [ids])).toEqual(ids.map(() => ({ result: 'processed' })));
    const before = await snapshot(batched.db.knex);

    expect(await inBatches(batched, [ids])).toEqual(ids.map(() => ({ result: 'already-processed' })));
    expect(await snapshot(batched.db.knex)).toEqual(before);
  });
});

describe('a batch keeps the order of its events', () => {
  it('a referee whose referrer buys later in the batch is judged on the referrer’s signals as they were before that purchase', async () => {
    const { users, code } = await freshUsers('fraud', 2);
    const [referrer, referee] = users as [string, string];
    // The referee pays with the referrer's card, but the referrer has never used it yet: one by one, the referral is honoured.
    const refereeBuys = purchase({ userId: referee, referralCode: code, signals: { paymentFingerprint: 'card-shared' } });
    const referrerBuys = purchase({ userId: referrer, signals: { paymentFingerprint: 'card-shared' } });
    const both = await applyBothWays([refereeBuys, referrerBuys], users);
    expect(both.one.referrals).toEqual([expect.objectContaining({ referee_id: referee, referrer_id: referrer })]);
    expect(both.batched).toEqual(both.one);
  });

  it('a purchase that waits for its user’s earlier one still reports its order before a later event reusing that order', async () => {
    const { users } = await freshUsers('owner', 3);
    const first = purchase({ userId: users[1] });
    const second = purchase({ userId: users[1], occurredAt: '2026-03-11T12:00:00Z' });
    const reuse = purchase({ userId: users[2], orderId: second.orderId, occurredAt: '2026-03-12T12:00:00Z' });
    const both = await applyBothWays([first, second, reuse], users);
    expect(both.answersOne[2]).toEqual({ error: `order ${second.orderId} was already reported by event ${second.id}` });
    expect(both.answersBatched).toEqual(both.answersOne);
    expect(both.batched).toEqual(both.one);
  });

  it('a purchase that waits for its user’s earlier one draws on a campaign budget before a later purchase in the batch', async () => {
    const { users, code } = await freshUsers('drawn', 3);
    // 1.00 USD of extra cashback: 0.95 for the first purchase, the 0.05 left for the next one to be applied.
    const first = purchase({ userId: users[1], referralCode: code, occurredAt: '2026-11-10T12:00:00Z' });
    const again = purchase({ userId: users[1], referralCode: code, occurredAt: '2026-11-11T12:00:00Z' });
    const other = purchase({ userId: users[2], referralCode: code, occurredAt: '2026-11-12T12:00:00Z' });
    const both = await applyBothWays([first, again, other], users);
    const extra = (snap: typeof both.one) => snap.rewards.filter((r) => r.campaign_id === 'november-2026').map((r) => [r.order_id, r.amount]);
    expect(extra(both.one)).toEqual([
      [first.orderId, 95n],
      [again.orderId, 5n],
    ]);
    expect(both.batched).toEqual(both.one);
  });

  it('a user’s purchases under different rule versions are applied in the batch’s order: the first applied is the first order', async () => {
    const { users, code } = await freshUsers('versions', 3);
    // September is under the rule set that has the tiny campaign (in force since 1 August, window over); March is not.
    const other = purchase({ userId: users[2], occurredAt: '2026-03-05T12:00:00Z' });
    const september = purchase({ userId: users[1], referralCode: code, occurredAt: '2026-09-10T12:00:00Z' });
    const march = purchase({ userId: users[1], referralCode: code, occurredAt: '2026-03-20T12:00:00Z' });
    const both = await applyBothWays([other, september, march], users);
    expect(both.one.referrals).toEqual([expect.objectContaining({ referee_id: users[1], first_order_id: september.orderId })]);
    expect(both.batched).toEqual(both.one);
  });
});
