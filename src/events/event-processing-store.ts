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
   */
  async markProcessed(eventId: string, outcome: EventOutcome, db: Db): Promise<void> {
    await db.raw(
      `WITH mark AS (INSERT INTO event_processing (event_id, outcome) VALUES (?, ?) RETURNING event_id)
       UPDATE purchase_events e SET status = 'processed', failure_reason = NULL FROM mark WHERE e.id = mark.event_id`,
      [eventId, JSON.stringify(outcome)],
    );
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
