import type { Knex } from 'knex';
import type { CursorPosition } from '../api/cursor.ts';
import { preparedQuery } from '../db/prepared-query.ts';

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

/** Reads a referrer's referrals and the purchases of the referees, newest first (prepared statements, see preparedQuery). */
export class ReferralHistoryStore {
  constructor(private readonly knex: Knex) {}

  /** Up to `limit` referrals bound to the referrer strictly after `after` in (bound_at, referee_id) descending order. */
  async list(referrerId: string, limit: number, after?: CursorPosition): Promise<ReferralRecord[]> {
    const rows = await preparedQuery<ReferralRow>(
      this.knex,
      `referral-history-list-${after ? 'after' : 'first'}`,
      `SELECT referee_id, code, source, status, bound_at, successful_at, bound_at::text AS cursor_time FROM referrals
       WHERE referrer_id = $1${after ? ' AND (bound_at, referee_id) < ($3::timestamptz, $4::text)' : ''}
       ORDER BY bound_at DESC, referee_id DESC LIMIT $2`,
      after ? [referrerId, limit, after.time, after.id] : [referrerId, limit],
    );
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
    const [row] = await preparedQuery<{ count: number }>(this.knex, 'referral-history-successful', "SELECT count(*)::int AS count FROM referrals WHERE referrer_id = $1 AND status = 'successful'", [referrerId]);
    return Number(row?.count ?? 0);
  }

  /** The referees' orders, newest first. A referee is bound from the first order on, so all of them came through this referrer. */
  async purchasesOf(refereeIds: readonly string[]): Promise<RefereePurchase[]> {
    if (refereeIds.length === 0) return [];
    // The ids as one JSON parameter: one statement text whatever their number.
    const rows = await preparedQuery<{ user_id: string; occurred_at: Date; status: string; is_first_order: boolean }>(
      this.knex,
      'referral-history-purchases',
      `SELECT user_id, occurred_at, status, is_first_order FROM orders
       WHERE user_id IN (SELECT jsonb_array_elements_text($1::jsonb))
       ORDER BY occurred_at DESC, order_id DESC`,
      [JSON.stringify(refereeIds)],
    );
    return rows.map((row) => ({ refereeId: row.user_id, occurredAt: row.occurred_at, status: row.status, isFirstOrder: row.is_first_order }));
  }
}

interface ReferralRow {
  referee_id: string;
  code: string;
  source: 'code' | 'link';
  status: 'pending' | 'successful' | 'void';
  bound_at: Date;
  successful_at: Date | null;
  cursor_time: string;
}
