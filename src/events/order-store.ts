import type { Knex } from 'knex';

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

/** Orders as refunds read and update them, and the advisory locks purchases and refunds take. (Purchases write theirs with PurchaseWriteStore.) */
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
}
