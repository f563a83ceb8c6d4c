import { UnrecoverableError } from 'bullmq';
import type { Logger } from '../logger.ts';
import { NoRuleSetInForceError } from '../rules/rule-errors.ts';
import { DomainError } from '../domain-error.ts';
import { createAjv } from '../validation/create-ajv.ts';
import { InvalidEventError, isUniqueViolation } from './event-errors.ts';
import type { EventInboxStore } from './event-inbox-store.ts';
import { PURCHASE_EVENT_SCHEMA, type PurchaseEvent } from './purchase-event-schema.ts';
import { rulesAt, type ProcessResult, type PurchaseOutcome, type PurchaseProcessor } from './purchase-processor.ts';
import type { PurchaseCompletedEvent } from './purchase-event-schema.ts';
import type { SelectedRules } from '../rules/rule-set.ts';
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
    let deferred: string[] = [];
    try {
      const event = checked(stored.payload);
      if (event.type === 'purchase.completed') {
        const outcome = await this.purchases.process(event);
        result = outcome.kind;
        if (outcome.kind === 'processed') deferred = outcome.deferred;
      } else {
        result = await this.refunds.process(event);
      }
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
    await this.applyDeferred(deferred);
    return result;
  }

  /**
   * Several events at once, one answer each (what `handle` would have resolved or thrown for it),
   * with the same effects as handling them one by one in the order given. Consecutive first
   * deliveries of valid purchases under the same rules go through the purchase processor together,
   * in one transaction, as far as none depends on another before it in the run (see processMany);
   * from the first that does, and for every other event (refunds, retries, events with something
   * to report), `handle` takes them one at a time, in order. If a batch's transaction fails, nothing
   * of it was written and its events are handled one by one, so a batch never decides an error.
   */
  async handleMany(items: ReadonlyArray<{ eventId: string; attempt: AttemptInfo }>): Promise<Array<PromiseSettledResult<ProcessResult>>> {
    const answers: Array<PromiseSettledResult<ProcessResult>> = new Array(items.length);
    const handleAlone = async (index: number) => {
      const item = items[index]!;
      answers[index] = await this.handle(item.eventId, item.attempt).then(
        (value) => ({ status: 'fulfilled' as const, value }),
        (reason: unknown) => ({ status: 'rejected' as const, reason }),
      );
    };
    const stored = await this.inbox.getMany(items.map((item) => item.eventId));
    const ruleSet = this.purchases.ruleSet();
    let run: Array<{ index: number; event: PurchaseCompletedEvent }> = [];
    let runRules: SelectedRules | undefined;
    const flush = async () => {
      if (run.length === 0) return;
      const batch = run;
      run = [];
      let outcomes: Map<string, PurchaseOutcome> | undefined;
      try {
        outcomes = await this.purchases.processMany(batch.map((b) => b.event));
      } catch (error) {
        this.logger.debug({ err: error, events: batch.length }, 'batch not applied; handling its events one by one');
      }
      const deferred: string[] = [];
      const rest: number[] = [];
      for (const { index, event } of batch) {
        const outcome = outcomes?.get(event.id);
        if (outcome?.kind === 'processed' || outcome?.kind === 'already-processed') {
          answers[index] = { status: 'fulfilled', value: outcome.kind };
          if (outcome.kind === 'processed') {
            this.metrics?.eventsProcessed.inc({ type: event.type });
            deferred.push(...outcome.deferred);
          }
        } else {
          rest.push(index);
        }
      }
      // What a purchase's own handling would do next: the refunds that waited for it.
      await this.applyDeferred(deferred);
      for (const index of rest) await handleAlone(index);
    };
    for (let index = 0; index < items.length; index += 1) {
      const item = items[index]!;
      const row = stored.get(item.eventId);
      const event = row && item.attempt.attemptsMade === 0 && row.status === 'accepted' ? validOrUndefined(row.payload) : undefined;
      const rules = event?.type === 'purchase.completed' ? rulesAt(ruleSet, event.occurredAt) : undefined;
      if (!event || event.type !== 'purchase.completed' || !rules) {
        await flush();
        await handleAlone(index);
        continue;
      }
      if (rules !== runRules) await flush();
      runRules = rules;
      run.push({ index, event });
    }
    await flush();
    return answers;
  }

  /**
   * Refunds and cancellations that arrived before their purchase, which has now been applied. A
   * failure here is left to the recovery loop, which re-enqueues deferred events.
   */
  private async applyDeferred(eventIds: readonly string[]): Promise<void> {
    for (const id of eventIds) {
      try {
        await this.handle(id);
      } catch (error) {
        this.logger.warn({ err: error, eventId: id }, 'deferred event not applied yet; the recovery loop will retry it');
      }
    }
  }
}

/** The engine's own refusals of an input (unreadable time, inconsistent history): no retry can fix them. */
function isInvalidInput(error: unknown): error is DomainError {
  return error instanceof DomainError && error.code === 'invalid-request';
}

function validOrUndefined(payload: unknown): PurchaseEvent | undefined {
  try {
    return checked(payload);
  } catch {
    return undefined;
  }
}

/** The stored payload passed the API's schema; re-checked because the worker must not trust the row blindly. */
function checked(payload: unknown): PurchaseEvent {
  if (!validateEvent(payload)) throw new InvalidEventError(`invalid event: ${validateEvent.errors?.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`);
  const event = payload as PurchaseEvent;
  if (event.type === 'purchase.completed' && !isKnownCurrency(event.currency)) throw new InvalidEventError(`unknown currency "${event.currency}"`);
  return event;
}
