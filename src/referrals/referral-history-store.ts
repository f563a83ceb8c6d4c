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
  /** The referee's newest purchases (a referee is bound from the first order on, so all came through this referrer). */
  purchases: RefereePurchase[];
  purchaseCount: number;
}

export interface RefereePurchase {
  occurredAt: Date;
  status: string;
  isFirstOrder: boolean;
}

/** Reads a referrer's referrals and the purchases of the referees, newest first (prepared statements, see preparedQuery). */
export class ReferralHistoryStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Up to `limit` referrals bound to the referrer strictly after `after` in (bound_at, referee_id) descending order,
   * each with the referee's newest `purchasesPerReferee` purchases and purchase count (one statement: the
   * purchases were a second round trip after the list).
   */
  async list(referrerId: string, limit: number, purchasesPerReferee: number, after?: CursorPosition): Promise<ReferralRecord[]> {
    const rows = await preparedQuery<ReferralRow>(
      this.knex,
      `referral-history-list-${after ? 'after' : 'first'}`,
      `SELECT r.referee_id, r.code, r.source, r.status, r.bound_at, r.successful_at, r.bound_at::text AS cursor_time, p.purchases, p.purchase_count
       FROM referrals r
       CROSS JOIN LATERAL (
         SELECT coalesce(json_agg(json_build_object('occurredAt', o.occurred_at, 'status', o.status, 'firstOrder', o.is_first_order)
                                  ORDER BY o.occurred_at DESC, o.order_id DESC) FILTER (WHERE o.n <= $3), '[]') AS purchases,
                count(*)::int AS purchase_count
         FROM (SELECT occurred_at, status, is_first_order, order_id, row_number() OVER (ORDER BY occurred_at DESC, order_id DESC) AS n
               FROM orders WHERE user_id = r.referee_id) o
       ) p
       WHERE r.referrer_id = $1${after ? ' AND (r.bound_at, r.referee_id) < ($4::timestamptz, $5::text)' : ''}
       ORDER BY r.bound_at DESC, r.referee_id DESC LIMIT $2`,
      after ? [referrerId, limit, purchasesPerReferee, after.time, after.id] : [referrerId, limit, purchasesPerReferee],
    );
    return rows.map((row) => ({
      refereeId: row.referee_id,
      code: row.code,
      source: row.source,
      status: row.status,
      boundAt: row.bound_at,
      successfulAt: row.successful_at,
      cursorTime: row.cursor_time,
      purchases: row.purchases.map((p) => ({ occurredAt: new Date(p.occurredAt), status: p.status, isFirstOrder: p.firstOrder })),
      purchaseCount: row.purchase_count,
    }));
  }

  async countSuccessful(referrerId: string): Promise<number> {
    const [row] = await preparedQuery<{ count: number }>(this.knex, 'referral-history-successful', "SELECT count(*)::int AS count FROM referrals WHERE referrer_id = $1 AND status = 'successful'", [referrerId]);
    return Number(row?.count ?? 0);
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
  purchases: Array<{ occurredAt: string; status: string; firstOrder: boolean }>;
  purchase_count: number;
}
