import type { Knex } from 'knex';
import type { RefundTally } from '../rewards/reversal-plan.ts';

type Db = Knex | Knex.Transaction;

/** What processing an event did, stored with its processed mark (event_processing.outcome). */
export type EventOutcome =
  | { kind: 'purchase'; rewardIds: string[]; referralBound: boolean; isFirstOrder: boolean }
  | { kind: 'refund' | 'cancel'; refundAmount: string; refundItemsValue: string; full: boolean; refundedOfTotal: string; reversals: number; referralVoided: boolean };

/**
 * event_processing: one row per processed event, inserted in the same
 * transaction as the event's effects. Its primary key is the exactly-once
 * guard: a second delivery's insert fails and its whole transaction rolls back.
 */
export class EventProcessingStore {
  async isProcessed(eventId: string, db: Db): Promise<boolean> {
    return (await db('event_processing').where({ event_id: eventId }).first('event_id')) !== undefined;
  }

  /**
   * The processed mark and the inbox row's status, in one statement (they always go together; one
   * round trip less per event). A second delivery fails on the mark's primary key as before.
   * (Purchases write theirs with their effects: PurchaseWriteStore.)
   */
  async markProcessed(eventId: string, outcome: EventOutcome, db: Db): Promise<void> {
    await db.raw(
      `WITH mark AS (INSERT INTO event_processing (event_id, outcome) VALUES (?, ?) RETURNING event_id)
       UPDATE purchase_events e SET status = 'processed', failure_reason = NULL FROM mark WHERE e.id = mark.event_id`,
      [eventId, JSON.stringify(outcome)],
    );
  }

  /**
   * For purchases about to be applied, in one round trip: which events are processed already,
   * which orders exist (with the event that reported them), and the refunds and cancellations
   * parked until these orders arrive (oldest first). Read under the orders' advisory locks, which
   * a refund takes before parking itself, so none is missed: one parked before is seen here, one
   * arriving later finds the order.
   */
  async purchaseStates(eventIds: readonly string[], orderIds: readonly string[], db: Db): Promise<{ processed: Set<string>; orders: Map<string, string>; deferred: Map<string, string[]> }> {
    const { rows } = await db.raw<{ rows: Array<{ what: 'processed' | 'order' | 'deferred'; key: string; id: string }> }>(
      `SELECT 'processed' AS what, p.event_id AS key, p.event_id AS id, NULL::timestamptz AS at FROM event_processing p
        WHERE p.event_id IN (SELECT jsonb_array_elements_text(?::jsonb))
       UNION ALL
       SELECT 'order', o.order_id, o.event_id, NULL FROM orders o WHERE o.order_id IN (SELECT jsonb_array_elements_text(?::jsonb))
       UNION ALL
       SELECT 'deferred', e.order_id, e.id, e.occurred_at FROM purchase_events e
        WHERE e.order_id IN (SELECT jsonb_array_elements_text(?::jsonb)) AND e.status = 'deferred'
       ORDER BY at, id`,
      [JSON.stringify(eventIds), JSON.stringify(orderIds), JSON.stringify(orderIds)],
    );
    const processed = new Set<string>();
    const orders = new Map<string, string>();
    const deferred = new Map<string, string[]>();
    for (const row of rows) {
      if (row.what === 'processed') processed.add(row.key);
      else if (row.what === 'order') orders.set(row.key, row.id);
      else deferred.set(row.key, [...(deferred.get(row.key) ?? []), row.id]);
    }
    return { processed, orders, deferred };
  }

  /** The refunds and cancellations already applied to an order, summed. */
  async refundTally(orderId: string, db: Db): Promise<RefundTally> {
    const rows: Array<{ outcome: EventOutcome }> = await db('event_processing as p')
      .join('purchase_events as e', 'e.id', 'p.event_id')
      .where('e.order_id', orderId)
      .whereIn('e.type', ['purchase.refunded', 'purchase.cancelled'])
      .select('p.outcome');
    const tally: RefundTally = { amount: 0n, itemsValue: 0n, full: false };
    for (const { outcome } of rows) {
      if (outcome.kind === 'purchase') continue;
      tally.amount += BigInt(outcome.refundAmount);
      tally.itemsValue += BigInt(outcome.refundItemsValue);
      tally.full ||= outcome.full;
    }
    return tally;
  }
}
