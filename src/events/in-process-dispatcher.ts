import { UnrecoverableError } from 'bullmq';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { RewardLifecycleService } from '../rewards/reward-lifecycle-service.ts';
import type { EventDispatcher } from './event-dispatcher.ts';
import { CONFIRM_JOB, EVENT_JOB, EVENTS_QUEUE } from './event-queue.ts';
import type { EventProcessor } from './event-processor.ts';

export interface InProcessOptions {
  /** Attempts per event before it is recorded as failed (JOB_ATTEMPTS). */
  attempts: number;
  /** First retry delay, doubling each attempt, as BullMQ's exponential backoff (JOB_BACKOFF_MS). */
  backoffMs: number;
  /** How often the hold confirmation sweep runs; 0: never. @defaultValue 60000 */
  confirmEveryMs?: number;
}

/**
 * Processes events in the server process, without Redis: the same
 * EventProcessor and confirmation sweep the BullMQ worker runs, one task at a
 * time. One at a time because the embedded database has a single connection
 * (two overlapping transactions would queue on it anyway) and because a
 * serial line keeps the exactly-once argument the same as with workers: the
 * database, not the dispatcher, refuses a second effect.
 *
 * Like a BullMQ job id, an event waiting or being retried is taken once;
 * a failed attempt is retried after an exponential backoff without holding
 * up the events behind it.
 */
export class InProcessDispatcher implements EventDispatcher {
  readonly kind = 'in-process';
  private readonly taken = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private sweep: NodeJS.Timeout | undefined;
  private tail: Promise<void> = Promise.resolve();
  private closed = false;
  private waiting = 0;
  private active = 0;

  constructor(
    private readonly processor: EventProcessor,
    private readonly lifecycle: RewardLifecycleService,
    private readonly logger: Logger,
    private readonly options: InProcessOptions,
    private readonly metrics?: Metrics,
  ) {}

  async enqueue(eventIds: readonly string[]): Promise<boolean> {
    if (this.closed) return false;
    for (const id of eventIds) {
      if (this.taken.has(id)) continue;
      this.taken.add(id);
      this.schedule(() => this.attempt(id, 0));
    }
    return true;
  }

  /** Starts the every-minute confirmation sweep (the worker's job scheduler in BullMQ mode). */
  startConfirmations(): void {
    if (this.options.confirmEveryMs === 0) return;
    this.sweep ??= setInterval(() => this.schedule(() => this.confirm()), this.options.confirmEveryMs ?? 60_000);
  }

  /** The line's depth in BullMQ's terms, for the queue-depth gauge: waiting, running, waiting for a retry. */
  async counts(): Promise<{ waiting: number; active: number; delayed: number }> {
    return { waiting: this.waiting, active: this.active, delayed: this.timers.size };
  }

  /** Resolves when everything handed over so far has run (or is waiting for a retry). */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Stops taking work; what is in the line is left in the inbox for the next start's recovery pass. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweep);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.tail;
  }

  private schedule(task: () => Promise<void>): void {
    this.waiting += 1;
    // setImmediate: the HTTP answer that handed the event over goes out first.
    this.tail = this.tail
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(async () => {
        this.waiting -= 1;
        if (this.closed) return;
        this.active += 1;
        try {
          await task();
        } finally {
          this.active -= 1;
        }
      })
      .catch((error) => this.logger.error({ err: error }, 'in-process task failed'));
  }

  private async attempt(id: string, attemptsMade: number): Promise<void> {
    const stop = this.metrics?.startJob(EVENTS_QUEUE, EVENT_JOB);
    try {
      await this.processor.handle(id, { attemptsMade, maxAttempts: this.options.attempts });
      stop?.('completed');
      this.taken.delete(id);
    } catch (error) {
      stop?.('failed');
      if (error instanceof UnrecoverableError || attemptsMade + 1 >= this.options.attempts || this.closed) {
        // Closed: no retry timer outlives the dispatcher; the next start's recovery pass finds the event.
        // The processor has recorded the failure on the event; an admin retry hands it over again.
        this.taken.delete(id);
        this.logger.warn({ err: error, eventId: id, attemptsMade: attemptsMade + 1 }, 'event failed');
        return;
      }
      const delay = this.options.backoffMs * 2 ** attemptsMade;
      this.logger.debug({ err: error, eventId: id, attemptsMade: attemptsMade + 1, retryInMs: delay }, 'event attempt failed; will retry');
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.schedule(() => this.attempt(id, attemptsMade + 1));
      }, delay);
      this.timers.add(timer);
    }
  }

  private async confirm(): Promise<void> {
    const stop = this.metrics?.startJob(EVENTS_QUEUE, CONFIRM_JOB);
    try {
      const result = await this.lifecycle.confirmDue(new Date());
      stop?.('completed');
      if (result.confirmed > 0 || result.successfulReferrals > 0) this.logger.info(result, 'confirmation sweep');
    } catch (error) {
      stop?.('failed');
      this.logger.warn({ err: error }, 'confirmation sweep failed; will run again');
    }
  }
}
