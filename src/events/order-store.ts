import type { Knex } from 'knex';
import type { FraudSignals } from '../engine/purchase-input.ts';
import { signalRows } from '../referrals/purchase-context-loader.ts';

type Db = Knex | Knex.Transaction;

export interface OrderRow {
  orderId: string;
  userId: string;
  eventId: string;
  occurredAt: Date;
  currency: string;
  subtotal: bigint;
  /** What the customer paid; refunds are measured against it. */
  total: bigint;
  refunded: bigint;
  status: 'completed' | 'partially_refunded' | 'refunded' | 'cancelled';
  isFirstOrder: boolean;
  holdDays: number;
}

export interface ReferralBinding {
  refereeId: string;
  referrerId: string;
  code: string;
  source: 'code' | 'link';
  clickedAt?: string;
  boundAt: Date;
  firstOrderId: string;
}

/** Orders, referral bindings and users' fraud signals, as the event worker writes them. */
export class OrderStore {
  /**
   * Serializes work on one key (a user's purchases, an order's events) for the
   * rest of the transaction: the prior-order count and the first-order
   * binding are read and written without a concurrent twin. On the embedded
   * PGlite the lock is taken but never waits: there is one connection, so
   * transactions already run one after another.
   */
  async lockKey(key: string, db: Knex.Transaction): Promise<void> {
    await this.lockKeys([key], db);
  }

  /** lockKey for several keys in one round trip, taken in the order given (callers keep one order, so no deadlock). */
  async lockKeys(keys: readonly string[], db: Knex.Transaction): Promise<void> {
    await db.raw(`SELECT ${keys.map(() => 'pg_advisory_xact_lock(hashtextextended(?, 0))').join(', ')}`, [...keys]);
  }

  async insert(order: Omit<OrderRow, 'refunded' | 'status'> & { eligibleNet: bigint; referrerId: string | null; result: unknown }, db: Db): Promise<void> {
    await db('orders').insert({
      order_id: order.orderId,
      user_id: order.userId,
      event_id: order.eventId,
      occurred_at: order.occurredAt,
      currency: order.currency,
      subtotal: order.subtotal.toString(),
      eligible_net: order.eligibleNet.toString(),
      referrer_id: order.referrerId,
      is_first_order: order.isFirstOrder,
      result: JSON.stringify(order.result),
    });
  }

  async find(orderId: string, db: Db, lock = false): Promise<(OrderRow & { items: Array<{ sku: string; unitPrice: number; quantity: number }> }) | undefined> {
    const query = db('orders as o').join('purchase_events as e', 'e.id', 'o.event_id').where('o.order_id', orderId).first('o.*', 'e.payload');
    if (lock) query.forUpdate('o');
    const row = await query;
    if (!row) return undefined;
    return {
      orderId: row.order_id,
      userId: row.user_id,
      eventId: row.event_id,
      occurredAt: row.occurred_at,
      currency: row.currency,
      subtotal: row.subtotal,
      total: BigInt(row.result.total),
      refunded: row.refunded,
      status: row.status,
      isFirstOrder: row.is_first_order,
      holdDays: Number(row.result.holdDays),
      items: row.payload.items,
    };
  }

  async updateRefund(orderId: string, refunded: bigint, status: OrderRow['status'], db: Db): Promise<void> {
    await db('orders').where({ order_id: orderId }).update({ refunded: refunded.toString(), status });
  }

  /** First order wins: a referee already bound keeps the first referrer. */
  async bindReferral(binding: ReferralBinding, db: Db): Promise<boolean> {
    const rows = await db('referrals')
      .insert({
        referee_id: binding.refereeId,
        referrer_id: binding.referrerId,
        code: binding.code,
        source: binding.source,
        clicked_at: binding.clickedAt ? new Date(binding.clickedAt) : null,
        bound_at: binding.boundAt,
        first_order_id: binding.firstOrderId,
      })
      .onConflict('referee_id')
      .ignore()
      .returning('referee_id');
    return rows.length > 0;
  }

  async recordSignals(userId: string, signals: FraudSignals | undefined, db: Db): Promise<void> {
    const rows = signalRows(signals).map((row) => ({ user_id: userId, ...row }));
    if (rows.length > 0) await db('user_signals').insert(rows).onConflict(['user_id', 'kind', 'value']).ignore();
  }
}
