import { UnrecoverableError } from 'bullmq';
import type { Logger } from '../logger.ts';
import { NoRuleSetInForceError } from '../rules/rule-errors.ts';
import { DomainError } from '../domain-error.ts';
import { createAjv } from '../validation/create-ajv.ts';
import { InvalidEventError, isUniqueViolation } from './event-errors.ts';
import type { EventInboxStore } from './event-inbox-store.ts';
import { PURCHASE_EVENT_SCHEMA, type PurchaseEvent } from './purchase-event-schema.ts';
import type { ProcessResult, PurchaseProcessor } from './purchase-processor.ts';
import type { RefundProcessor } from './refund-processor.ts';
import { isKnownCurrency } from '../money/currency.ts';
import type { Metrics } from '../observability/metrics.ts';

const validateEvent = createAjv({ coerceTypes: false, removeAdditional: false, useDefaults: false }).compile(PURCHASE_EVENT_SCHEMA);

export interface AttemptInfo {
  /** Attempts already made before this one (BullMQ's job.attemptsMade). */
  attemptsMade: number;
  maxAttempts: number;
}

/**
 * Runs one inbox event through its processor and decides what a failure
 * means: an invalid event or a date no rule set covers fails at once
 * (UnrecoverableError, reason recorded); anything else is thrown for BullMQ to
 * retry, and recorded as failed when the last attempt fails.
 */
export class EventProcessor {
  constructor(
    private readonly inbox: EventInboxStore,
    private readonly purchases: PurchaseProcessor,
    private readonly refunds: RefundProcessor,
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {}

  async handle(eventId: string, attempt: AttemptInfo = { attemptsMade: 0, maxAttempts: Number.POSITIVE_INFINITY }): Promise<ProcessResult> {
    const stored = await this.inbox.get(eventId);
    if (!stored) throw new UnrecoverableError(`event ${eventId} is not in the inbox`);
    if (stored.status === 'processed') return 'already-processed';
    let result: ProcessResult;
    try {
      const event = checked(stored.payload);
      result = event.type === 'purchase.completed' ? await this.purchases.process(event) : await this.refunds.process(event);
      if (result === 'processed' && event.type === 'purchase.completed') await this.applyDeferred(event.orderId);
    } catch (error) {
      // A second delivery racing the first: the processed mark's primary key already holds.
      if (isUniqueViolation(error, 'event_processing_pkey')) return 'already-processed';
      if (error instanceof NoRuleSetInForceError || error instanceof InvalidEventError || isInvalidInput(error)) {
        await this.inbox.setStatus(eventId, 'failed', error.message);
        this.metrics?.eventsFailed.inc({ type: stored.type });
        throw new UnrecoverableError(error.message);
      }
      if (attempt.attemptsMade + 1 >= attempt.maxAttempts) {
        await this.inbox.setStatus(eventId, 'failed', `gave up after ${attempt.maxAttempts} attempts: ${(error as Error).message}`).catch(() => undefined);
        this.metrics?.eventsFailed.inc({ type: stored.type });
      }
      throw error;
    }
    if (result === 'processed') this.metrics?.eventsProcessed.inc({ type: stored.type });
    return result;
  }

  /**
   * Refunds and cancellations that arrived before this purchase. A failure
   * here is left to the recovery loop, which re-enqueues deferred events.
   */
  private async applyDeferred(orderId: string): Promise<void> {
    for (const id of await this.inbox.deferredFor(orderId)) {
      try {
        await this.handle(id);
      } catch (error) {
        this.logger.warn({ err: error, eventId: id, orderId }, 'deferred event not applied yet; the recovery loop will retry it');
      }
    }
  }
}

/** The engine's own refusals of an input (unreadable time, inconsistent history): no retry can fix them. */
function isInvalidInput(error: unknown): error is DomainError {
  return error instanceof DomainError && error.code === 'invalid-request';
}

/** The stored payload passed the API's schema; re-checked because the worker must not trust the row blindly. */
function checked(payload: unknown): PurchaseEvent {
  if (!validateEvent(payload)) throw new InvalidEventError(`invalid event: ${validateEvent.errors?.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`);
  const event = payload as PurchaseEvent;
  if (event.type === 'purchase.completed' && !isKnownCurrency(event.currency)) throw new InvalidEventError(`unknown currency "${event.currency}"`);
  return event;
}
