import type { Knex } from 'knex';
import type { PurchaseEvent, PurchaseEventType } from './purchase-event-schema.ts';
import { payloadHash } from './canonical-json.ts';

export type InboxStatus = 'accepted' | 'processed' | 'failed' | 'deferred';

export interface InboxEvent {
  id: string;
  type: PurchaseEventType;
  orderId: string;
  payload: PurchaseEvent;
  payloadHash: string;
  occurredAt: Date;
  receivedAt: Date;
  status: InboxStatus;
  failureReason: string | null;
  attempts: number;
}

/** What storing an event did: stored now, already stored with the same payload, or a different payload under the same id. */
export type StoreOutcome = { kind: 'stored' | 'duplicate'; event: InboxEvent } | { kind: 'conflict'; event: InboxEvent };

/**
 * The inbox (purchase_events). An event is stored here before the API answers,
 * so a lost Redis job can always be re-enqueued from it; the primary key makes
 * concurrent posts of the same id store it once.
 */
export class EventInboxStore {
  constructor(private readonly knex: Knex) {}

  /** Stores new events and classifies the rest, in input order. */
  async storeAll(events: readonly PurchaseEvent[]): Promise<StoreOutcome[]> {
    const rows = events.map((event) => ({
      id: event.id,
      type: event.type,
      order_id: event.orderId,
      payload: JSON.stringify(event),
      payload_hash: payloadHash(event),
      occurred_at: new Date(event.occurredAt),
    }));
    // Inserted in id order: two batches sharing ids then wait on each other in the same order, never crosswise.
    const sorted = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const inserted: Array<{ id: string; received_at: Date }> = rows.length === 0 ? [] : await this.knex('purchase_events').insert(sorted).onConflict('id').ignore().returning(['id', 'received_at']);
    const receivedAt = new Map(inserted.map((row) => [row.id, row.received_at]));
    // Only ids that were already there are read back (duplicates and conflicts); a new row is what was just sent.
    const existing = await this.getMany(rows.filter((row) => !receivedAt.has(row.id)).map((row) => row.id));
    const fresh = new Map<string, InboxEvent>();
    events.forEach((event, i) => {
      const row = rows[i]!;
      const received = receivedAt.get(row.id);
      // A batch may carry one id twice: the first occurrence is the one stored (the sort is stable).
      if (received === undefined || fresh.has(row.id)) return;
      fresh.set(row.id, { id: row.id, type: row.type, orderId: row.order_id, payload: event, payloadHash: row.payload_hash, occurredAt: row.occurred_at, receivedAt: received, status: 'accepted', failureReason: null, attempts: 0 });
    });
    const seen = new Set<string>();
    return rows.map((row) => {
      const event = fresh.get(row.id) ?? existing.get(row.id)!;
      const first = fresh.has(row.id) && !seen.has(row.id);
      seen.add(row.id);
      if (event.payloadHash !== row.payload_hash) return { kind: 'conflict', event };
      return { kind: first ? 'stored' : 'duplicate', event };
    });
  }

  async get(id: string, db: Knex | Knex.Transaction = this.knex): Promise<InboxEvent | undefined> {
    const row = await db('purchase_events').where({ id }).first();
    return row ? toInboxEvent(row) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, InboxEvent>> {
    const rows = ids.length === 0 ? [] : await this.knex('purchase_events').whereIn('id', [...new Set(ids)]);
    return new Map(rows.map((row) => [row.id as string, toInboxEvent(row)]));
  }

  async setStatus(id: string, status: InboxStatus, failureReason: string | null, db: Knex | Knex.Transaction = this.knex): Promise<void> {
    await db('purchase_events').where({ id }).update({ status, failure_reason: failureReason });
  }

  /** Events that failed for good, most recently received first (the in-process mode's failed jobs). */
  async failed(offset: number, limit: number): Promise<InboxEvent[]> {
    const rows = await this.knex('purchase_events').where({ status: 'failed' }).orderBy([{ column: 'received_at', order: 'desc' }, { column: 'id', order: 'desc' }]).offset(offset).limit(limit);
    return rows.map(toInboxEvent);
  }

  async countAttempt(id: string): Promise<void> {
    await this.knex('purchase_events').where({ id }).increment('attempts', 1);
  }

  /**
   * Events that should be in the queue but may not be, received more than
   * `olderThanMs` ago (so a post still enqueuing its own job is left alone):
   * accepted ones, and deferred ones whose order has arrived since (the
   * purchase normally applies them itself; this covers a crash in between).
   */
  async unfinished(olderThanMs: number, limit: number): Promise<string[]> {
    const rows = await this.knex('purchase_events as e')
      .leftJoin('event_processing as p', 'p.event_id', 'e.id')
      .where((q) => q.where('e.status', 'accepted').orWhere((d) => d.where('e.status', 'deferred').whereExists((o) => o.select(1).from('orders').whereRaw('orders.order_id = e.order_id'))))
      .whereNull('p.event_id')
      .where('e.received_at', '<', new Date(Date.now() - olderThanMs))
      .orderBy('e.received_at')
      .limit(limit)
      .select('e.id');
    return rows.map((row: { id: string }) => row.id);
  }
}

function toInboxEvent(row: Record<string, unknown>): InboxEvent {
  return {
    id: row.id as string,
    type: row.type as PurchaseEventType,
    orderId: row.order_id as string,
    payload: row.payload as PurchaseEvent,
    payloadHash: row.payload_hash as string,
    occurredAt: row.occurred_at as Date,
    receivedAt: row.received_at as Date,
    status: row.status as InboxStatus,
    failureReason: (row.failure_reason as string | null) ?? null,
    attempts: row.attempts as number,
  };
}
