import type { Knex } from 'knex';
import type { CursorPosition } from '../api/cursor.ts';

export interface ReferralRecord {
  refereeId: string;
  code: string;
  source: 'code' | 'link';
  status: 'pending' | 'successful' | 'void';
  boundAt: Date;
  successfulAt: Date | null;
  /** bound_at as PostgreSQL prints it: exact to the microsecond, for the cursor. */
  cursorTime: string;
}

export interface RefereePurchase {
  refereeId: string;
  occurredAt: Date;
  status: string;
  isFirstOrder: boolean;
}

/** Reads a referrer's referrals and the purchases of the referees, newest first. */
export class ReferralHistoryStore {
  constructor(private readonly knex: Knex) {}

  /** Up to `limit` referrals bound to the referrer strictly after `after` in (bound_at, referee_id) descending order. */
  async list(referrerId: string, limit: number, after?: CursorPosition): Promise<ReferralRecord[]> {
    const query = this.knex('referrals')
      .where('referrer_id', referrerId)
      .select('referee_id', 'code', 'source', 'status', 'bound_at', 'successful_at', this.knex.raw('bound_at::text AS cursor_time'))
      .orderBy([{ column: 'bound_at', order: 'desc' }, { column: 'referee_id', order: 'desc' }])
      .limit(limit);
    if (after) query.andWhereRaw('(bound_at, referee_id) < (?::timestamptz, ?)', [after.time, after.id]);
    const rows = await query;
    return rows.map((row) => ({
      refereeId: row.referee_id,
      code: row.code,
      source: row.source,
      status: row.status,
      boundAt: row.bound_at,
      successfulAt: row.successful_at,
      cursorTime: row.cursor_time,
    }));
  }

  async countSuccessful(referrerId: string): Promise<number> {
    const row = await this.knex('referrals').where({ referrer_id: referrerId, status: 'successful' }).first(this.knex.raw('count(*)::int AS count'));
    return Number(row?.count ?? 0);
  }

  /** The referees' orders, newest first. A referee is bound from the first order on, so all of them came through this referrer. */
  async purchasesOf(refereeIds: readonly string[]): Promise<RefereePurchase[]> {
    if (refereeIds.length === 0) return [];
    const rows = await this.knex('orders')
      .whereIn('user_id', refereeIds)
      .select('user_id', 'occurred_at', 'status', 'is_first_order')
      .orderBy([{ column: 'occurred_at', order: 'desc' }, { column: 'order_id', order: 'desc' }]);
    return rows.map((row) => ({ refereeId: row.user_id, occurredAt: row.occurred_at, status: row.status, isFirstOrder: row.is_first_order }));
  }
}
