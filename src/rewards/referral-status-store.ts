import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

/**
 * A referral's lifecycle: pending while its first order is in the hold,
 * successful once the hold passes (this is what tiers count), void when the
 * first order is refunded or cancelled during the hold.
 */
export class ReferralStatusStore {
  /**
   * A refund or cancel of the first order during its hold: the referral never
   * becomes successful. Also undoes a success recorded before a late refund
   * that happened inside the hold.
   */
  async voidReferral(firstOrderId: string, db: Db): Promise<boolean> {
    const count = await db('referrals').where({ first_order_id: firstOrderId }).whereNot('status', 'void').update({ status: 'void', successful_at: null });
    return Number(count) > 0;
  }

  /**
   * Referrals whose first order passed its hold without being voided become
   * successful as of the hold's end, which is when they start counting for tiers.
   */
  async markSuccessful(now: Date, db: Db): Promise<number> {
    const result = await db.raw(
      `UPDATE referrals rf
          SET status = 'successful', successful_at = o.occurred_at + make_interval(days => (o.result->>'holdDays')::int)
         FROM orders o
        WHERE o.order_id = rf.first_order_id
          AND rf.status = 'pending'
          AND o.status NOT IN ('cancelled', 'refunded')
          AND o.occurred_at + make_interval(days => (o.result->>'holdDays')::int) <= ?`,
      [now],
    );
    return result.rowCount ?? 0;
  }
}
