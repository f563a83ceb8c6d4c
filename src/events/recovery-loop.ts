import type { Logger } from '../logger.ts';
import type { EventInboxStore } from './event-inbox-store.ts';
import type { EventDispatcher } from './event-dispatcher.ts';

export interface RecoveryOptions {
  /** How often to look. @defaultValue 30000 */
  intervalMs?: number;
  /** Leave events younger than this alone: their post may still be enqueuing them. @defaultValue 10000 */
  graceMs?: number;
  /** Events per pass. @defaultValue 1000 */
  batch?: number;
}

/**
 * Enqueues inbox events that have no processed mark: accepted while Redis was
 * down, lost with an evicted or crashed Redis, or deferred refunds whose
 * purchase has since arrived. Re-enqueuing is always safe (the database
 * decides what was already done), so the loop need not be clever.
 */
export class RecoveryLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly inbox: EventInboxStore,
    private readonly queue: EventDispatcher,
    private readonly logger: Logger,
    private readonly options: RecoveryOptions = {},
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.runOnce().catch((error) => {
        this.logger.warn({ err: error }, 'recovery pass failed; will try again');
        return 0;
      });
      void this.running.finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs ?? 30_000);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass; returns how many events it enqueued. */
  async runOnce(): Promise<number> {
    let total = 0;
    const batch = this.options.batch ?? 1000;
    const ids = await this.inbox.unfinished(this.options.graceMs ?? 10_000, batch);
    if (ids.length === 0) return 0;
    if (await this.queue.enqueue(ids)) total += ids.length;
    if (total > 0) this.logger.info({ enqueued: total }, 'recovery: enqueued inbox events without a processed mark');
    return total;
  }
}
