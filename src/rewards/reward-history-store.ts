import type { Knex } from 'knex';
import type { CursorPosition } from '../api/cursor.ts';

export type Bucket = 'pending' | 'confirmed' | 'reversed';

export interface BucketAmounts {
  pending: bigint;
  confirmed: bigint;
  reversed: bigint;
}

export interface RewardRecord extends BucketAmounts {
  id: string;
  orderId: string;
  refereeId: string | null;
  role: string;
  kind: string;
  currency: string;
  campaignId: string | null;
  amount: bigint;
  grantedAt: Date;
  holdUntil: Date;
  /** granted_at as PostgreSQL prints it, exact to the microsecond, for the cursor. */
  cursorTime: string;
}

export interface BalanceRecord extends BucketAmounts {
  kind: string;
  currency: string;
}

// What flows into a bucket minus what flows out of it, per reward (ledger entries are never updated).
const BUCKETS_PER_REWARD = `
  SELECT
    coalesce(sum(amount) FILTER (WHERE to_bucket = 'pending'), 0) - coalesce(sum(amount) FILTER (WHERE from_bucket = 'pending'), 0) AS pending,
    coalesce(sum(amount) FILTER (WHERE to_bucket = 'confirmed'), 0) - coalesce(sum(amount) FILTER (WHERE from_bucket = 'confirmed'), 0) AS confirmed,
    coalesce(sum(amount) FILTER (WHERE to_bucket = 'reversed'), 0) AS reversed
  FROM reward_entries e WHERE e.reward_id = r.id`;

// The same rule as statusOf in reward-history-service.ts, in SQL.
const STATUS_FILTER: Record<Bucket, string> = {
  pending: 'b.pending > 0',
  confirmed: 'b.pending = 0 AND b.confirmed > 0',
  reversed: 'b.pending = 0 AND b.confirmed = 0 AND b.reversed > 0',
};

/** Reads a beneficiary's rewards and ledger balances. */
export class RewardHistoryStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Up to `limit` rewards strictly after `after` in (granted_at, id) descending order, with their
   * bucket amounts; `status` keeps those whose amount is now mostly there (see statusOf).
   */
  async list(beneficiaryId: string, limit: number, after?: CursorPosition, status?: Bucket): Promise<RewardRecord[]> {
    const query = this.knex('rewards as r')
      .leftJoin('orders as o', 'o.order_id', 'r.order_id')
      .joinRaw(`CROSS JOIN LATERAL (${BUCKETS_PER_REWARD}) b`)
      .where('r.beneficiary_id', beneficiaryId)
      .select(
        'r.id', 'r.order_id', 'o.user_id as referee_id', 'r.role', 'r.kind', 'r.currency', 'r.campaign_id', 'r.amount', 'r.granted_at', 'r.hold_until',
        this.knex.raw('r.granted_at::text AS cursor_time'), 'b.pending', 'b.confirmed', 'b.reversed',
      )
      .orderBy([{ column: 'r.granted_at', order: 'desc' }, { column: 'r.id', order: 'desc' }])
      .limit(limit);
    if (after) query.andWhereRaw('(r.granted_at, r.id) < (?::timestamptz, ?::bigint)', [after.time, after.id]);
    if (status) query.andWhereRaw(STATUS_FILTER[status]);
    const rows = await query;
    return rows.map((row) => ({
      id: String(row.id),
      orderId: row.order_id,
      refereeId: row.referee_id ?? null,
      role: row.role,
      kind: row.kind,
      currency: row.currency,
      campaignId: row.campaign_id === '' ? null : row.campaign_id,
      amount: BigInt(row.amount),
      grantedAt: row.granted_at,
      holdUntil: row.hold_until,
      cursorTime: row.cursor_time,
      pending: BigInt(row.pending),
      confirmed: BigInt(row.confirmed),
      reversed: BigInt(row.reversed),
    }));
  }

  /** Balance per kind, currency and bucket over the whole ledger of the beneficiary. */
  async balances(beneficiaryId: string): Promise<BalanceRecord[]> {
    const { rows } = await this.knex.raw(
      `SELECT kind, currency,
         coalesce(sum(amount) FILTER (WHERE to_bucket = 'pending'), 0) - coalesce(sum(amount) FILTER (WHERE from_bucket = 'pending'), 0) AS pending,
         coalesce(sum(amount) FILTER (WHERE to_bucket = 'confirmed'), 0) - coalesce(sum(amount) FILTER (WHERE from_bucket = 'confirmed'), 0) AS confirmed,
         coalesce(sum(amount) FILTER (WHERE to_bucket = 'reversed'), 0) AS reversed
       FROM reward_entries WHERE beneficiary_id = ?
       GROUP BY kind, currency ORDER BY kind, currency`,
      [beneficiaryId],
    );
    return (rows as Array<Record<string, unknown>>).map((row) => ({
      kind: String(row.kind),
      currency: String(row.currency),
      pending: BigInt(row.pending as string),
      confirmed: BigInt(row.confirmed as string),
      reversed: BigInt(row.reversed as string),
    }));
  }
}
