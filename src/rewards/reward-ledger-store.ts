import type { Knex } from 'knex';
import type { PlannedReversal, RewardLedgerState } from './reversal-plan.ts';

type Db = Knex | Knex.Transaction;

/** A reward with its ledger balances, as GET /v1/events/:id shows it. */
export interface RewardView {
  id: string;
  orderId: string;
  beneficiaryId: string;
  role: string;
  kind: string;
  currency: string;
  campaignId: string | null;
  amount: bigint;
  pending: bigint;
  confirmed: bigint;
  reversed: bigint;
  holdUntil: Date;
}

/**
 * The reward ledger: rewards are immutable rows, and every movement between
 * buckets (grant none→pending, confirm pending→confirmed, reverse →reversed) is
 * an appended reward_entries row. Balances are sums of entries, never stored.
 */
export class RewardLedgerStore {
  constructor(private readonly knex: Knex) {}

  /** Locks an order's rewards (in id order, so concurrent lockers cannot deadlock) and reads their ledger state. */
  async lockForOrder(orderId: string, db: Db): Promise<Array<RewardLedgerState & { beneficiaryId: string; currency: string }>> {
    const rewards = await db('rewards').where({ order_id: orderId }).orderBy('id').forUpdate().select('id', 'kind', 'amount', 'beneficiary_id', 'currency');
    if (rewards.length === 0) return [];
    const sums: Array<{ reward_id: bigint; reversed: bigint | null; confirms: number }> = await db('reward_entries')
      .whereIn('reward_id', rewards.map((r: { id: bigint }) => r.id.toString()))
      .groupBy('reward_id')
      .select('reward_id', db.raw("(sum(amount) FILTER (WHERE entry_type = 'reverse'))::bigint AS reversed"), db.raw("count(*) FILTER (WHERE entry_type = 'confirm')::int AS confirms"));
    const byId = new Map(sums.map((s) => [s.reward_id.toString(), s]));
    return rewards.map((r: { id: bigint; kind: string; amount: bigint; beneficiary_id: string; currency: string }) => {
      const sum = byId.get(r.id.toString());
      return { rewardId: r.id, kind: r.kind, amount: r.amount, reversed: sum?.reversed ?? 0n, confirmed: (sum?.confirms ?? 0) > 0, beneficiaryId: r.beneficiary_id, currency: r.currency };
    });
  }

  async reverse(plan: readonly PlannedReversal[], rewards: ReadonlyArray<{ rewardId: bigint; beneficiaryId: string; currency: string; kind: string }>, eventId: string, note: string, db: Db): Promise<void> {
    if (plan.length === 0) return;
    const byId = new Map(rewards.map((r) => [r.rewardId.toString(), r]));
    await db('reward_entries').insert(
      plan.map((p) => {
        const reward = byId.get(p.rewardId.toString())!;
        return {
          reward_id: p.rewardId.toString(),
          beneficiary_id: reward.beneficiaryId,
          currency: reward.currency,
          kind: reward.kind,
          entry_type: 'reverse',
          from_bucket: p.fromBucket,
          to_bucket: 'reversed',
          amount: p.amount.toString(),
          event_id: eventId,
          note,
        };
      }),
    );
  }

  /**
   * Confirms rewards whose hold has ended: moves what is still pending to
   * confirmed. Rows another transaction holds (a refund being applied) are
   * skipped and picked up by the next run.
   */
  async confirmDue(now: Date, limit: number, db: Db): Promise<number> {
    const pendingSql = "r.amount - COALESCE((SELECT sum(e.amount)::bigint FROM reward_entries e WHERE e.reward_id = r.id AND e.entry_type = 'reverse' AND e.from_bucket = 'pending'), 0)";
    const due: Array<{ id: bigint; beneficiary_id: string; currency: string; kind: string; pending: bigint }> = (
      await db.raw(
        `SELECT r.id, r.beneficiary_id, r.currency, r.kind, ${pendingSql} AS pending
           FROM rewards r
          WHERE r.hold_until <= ?
            AND NOT EXISTS (SELECT 1 FROM reward_entries c WHERE c.reward_id = r.id AND c.entry_type = 'confirm')
            AND ${pendingSql} > 0
          ORDER BY r.id
          LIMIT ?
          FOR UPDATE OF r SKIP LOCKED`,
        [now, limit],
      )
    ).rows;
    if (due.length === 0) return 0;
    await db('reward_entries').insert(
      due.map((r) => ({
        reward_id: r.id.toString(),
        beneficiary_id: r.beneficiary_id,
        currency: r.currency,
        kind: r.kind,
        entry_type: 'confirm',
        from_bucket: 'pending',
        to_bucket: 'confirmed',
        amount: r.pending.toString(),
        event_id: null,
        note: 'hold ended',
      })),
    );
    return due.length;
  }

  /** Rewards an event granted, and rewards an event reversed, with their balances. */
  async forEvent(eventId: string): Promise<RewardView[]> {
    const ids = this.knex('reward_entries').where({ event_id: eventId }).select('reward_id');
    const rows = await this.knex('rewards as r')
      .where('r.event_id', eventId)
      .orWhereIn('r.id', ids)
      .orderBy('r.id')
      .select(
        'r.*',
        this.knex.raw("(SELECT COALESCE(sum(CASE WHEN e.to_bucket = 'pending' THEN e.amount ELSE 0 END) - sum(CASE WHEN e.from_bucket = 'pending' THEN e.amount ELSE 0 END), 0) FROM reward_entries e WHERE e.reward_id = r.id) AS pending"),
        this.knex.raw("(SELECT COALESCE(sum(CASE WHEN e.to_bucket = 'confirmed' THEN e.amount ELSE 0 END) - sum(CASE WHEN e.from_bucket = 'confirmed' THEN e.amount ELSE 0 END), 0) FROM reward_entries e WHERE e.reward_id = r.id) AS confirmed"),
        this.knex.raw("(SELECT COALESCE(sum(e.amount), 0) FROM reward_entries e WHERE e.reward_id = r.id AND e.to_bucket = 'reversed') AS reversed"),
      );
    return rows.map((row) => ({
      id: String(row.id),
      orderId: row.order_id,
      beneficiaryId: row.beneficiary_id,
      role: row.role,
      kind: row.kind,
      currency: row.currency,
      campaignId: row.campaign_id === '' ? null : row.campaign_id,
      amount: BigInt(row.amount),
      pending: BigInt(row.pending),
      confirmed: BigInt(row.confirmed),
      reversed: BigInt(row.reversed),
      holdUntil: row.hold_until,
    }));
  }
}
