import { DomainError } from '../domain-error.ts';
import { isKnownCurrency } from '../money/currency.ts';
import type { EventInboxStore, InboxEvent, StoreOutcome } from './event-inbox-store.ts';
import type { EventDispatcher } from './event-dispatcher.ts';
import type { PurchaseEvent } from './purchase-event-schema.ts';
import type { Metrics } from '../observability/metrics.ts';

export class IdempotencyConflictError extends DomainError {
  constructor(id: string) {
    super(`event ${id} was already received with a different payload; an event id may be used for one payload only`, 'idempotency-conflict');
  }
}

/** The answer to a post, the same every time the same event is posted. */
export interface AcceptedEvent {
  id: string;
  type: string;
  orderId: string;
  receivedAt: string;
  statusUrl: string;
}

export type IngestOutcome = { outcome: 'accepted' | 'duplicate'; answer: AcceptedEvent } | { outcome: 'conflict'; id: string; detail: string };

/**
 * Stores events in the inbox (durable before we answer), then enqueues the
 * new ones. Enqueuing may fail (Redis down): the events are safe in the
 * inbox and the recovery loop enqueues them, so the client still gets 202.
 */
export class EventIngestService {
  constructor(
    private readonly inbox: EventInboxStore,
    private readonly queue: EventDispatcher,
    private readonly metrics?: Metrics,
  ) {}

  async ingest(events: readonly PurchaseEvent[]): Promise<IngestOutcome[]> {
    for (const event of events) {
      if (event.type === 'purchase.completed' && !isKnownCurrency(event.currency)) {
        throw new DomainError(`event ${event.id}: unknown currency "${event.currency}" (use an ISO 4217 code such as USD, EUR, JPY)`, 'invalid-request');
      }
    }
    const outcomes = await this.inbox.storeAll(events);
    for (const o of outcomes) if (o.kind === 'stored') this.metrics?.eventsAccepted.inc({ type: o.event.type });
    // Duplicates still waiting are enqueued again: the client's retry may be what recovers a lost job.
    const toEnqueue = outcomes.filter((o) => o.kind === 'stored' || (o.kind === 'duplicate' && o.event.status === 'accepted')).map((o) => o.event.id);
    await this.queue.enqueue([...new Set(toEnqueue)]);
    return outcomes.map(toIngestOutcome);
  }

  async ingestOne(event: PurchaseEvent): Promise<{ created: boolean; answer: AcceptedEvent }> {
    const [outcome] = await this.ingest([event]);
    if (!outcome || outcome.outcome === 'conflict') throw new IdempotencyConflictError(event.id);
    return { created: outcome.outcome === 'accepted', answer: outcome.answer };
  }
}

function toIngestOutcome(outcome: StoreOutcome): IngestOutcome {
  if (outcome.kind === 'conflict') return { outcome: 'conflict', id: outcome.event.id, detail: new IdempotencyConflictError(outcome.event.id).message };
  return { outcome: outcome.kind === 'stored' ? 'accepted' : 'duplicate', answer: answerOf(outcome.event) };
}

export function answerOf(event: InboxEvent): AcceptedEvent {
  return { id: event.id, type: event.type, orderId: event.orderId, receivedAt: event.receivedAt.toISOString(), statusUrl: `/v1/events/${encodeURIComponent(event.id)}` };
}
