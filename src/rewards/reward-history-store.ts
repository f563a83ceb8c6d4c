import type { Knex } from 'knex';
import type { CursorPosition } from '../api/cursor.ts';
import { preparedQuery } from '../db/prepared-query.ts';

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

interface RewardRow {
  id: bigint;
  order_id: string;
  referee_id: string | null;
  role: string;
  kind: string;
  currency: string;
  campaign_id: string;
  amount: bigint;
  granted_at: Date;
  hold_until: Date;
  cursor_time: string;
  pending: string;
  confirmed: string;
  reversed: string;
}

/** Reads a beneficiary's rewards and ledger balances (prepared statements: planning cost more than running them). */
export class RewardHistoryStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Up to `limit` rewards strictly after `after` in (granted_at, id) descending order, with their
   * bucket amounts; `status` keeps those whose amount is now mostly there (see statusOf).
   */
  async list(beneficiaryId: string, limit: number, after?: CursorPosition, status?: Bucket): Promise<RewardRecord[]> {
    const values: unknown[] = [beneficiaryId, limit];
    let where = 'r.beneficiary_id = $1';
    if (after) {
      values.push(after.time, after.id);
      where += ' AND (r.granted_at, r.id) < ($3::timestamptz, $4::bigint)';
    }
    if (status) where += ` AND ${STATUS_FILTER[status]}`;
    const rows = await preparedQuery<RewardRow>(
      this.knex,
      `reward-history-list-${after ? 'after' : 'first'}-${status ?? 'any'}`,
      `SELECT r.id, r.order_id, o.user_id AS referee_id, r.role, r.kind, r.currency, r.campaign_id, r.amount, r.granted_at, r.hold_until,
              r.granted_at::text AS cursor_time, b.pending, b.confirmed, b.reversed
       FROM rewards r LEFT JOIN orders o ON o.order_id = r.order_id CROSS JOIN LATERAL (${BUCKETS_PER_REWARD}) b
       WHERE ${where}
       ORDER BY r.granted_at DESC, r.id DESC LIMIT $2`,
      values,
    );
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
    const rows = await preparedQuery<Record<string, unknown>>(
      this.knex,
      'reward-history-balances',
      `SELECT kind, currency,
         coalesce(sum(amount) FILTER (WHERE to_bucket = 'pending'), 0) - coalesce(sum(amount) FILTER (WHERE from_bucket = 'pending'), 0) AS pending,
         coalesce(sum(amount) FILTER (WHERE to_bucket = 'confirmed'), 0) - coalesce(sum(amount) FILTER (WHERE from_bucket = 'confirmed'), 0) AS confirmed,
         coalesce(sum(amount) FILTER (WHERE to_bucket = 'reversed'), 0) AS reversed
       FROM reward_entries WHERE beneficiary_id = $1
       GROUP BY kind, currency ORDER BY kind, currency`,
      [beneficiaryId],
    );
    return rows.map((row) => ({
      kind: String(row.kind),
      currency: String(row.currency),
      pending: BigInt(row.pending as string),
      confirmed: BigInt(row.confirmed as string),
      reversed: BigInt(row.reversed as string),
    }));
  }
}
