/**
 * How stored inbox events reach the EventProcessor. The composition root picks
 * one: BullMQ (EventQueue, REDIS_URL set; workers in other processes) or the
 * InProcessDispatcher (no Redis; the server processes events itself).
 *
 * Either way the inbox row is written first and the database decides what was
 * already done, so handing an event over twice, or not at all (the recovery
 * loop hands it over later), never changes the outcome.
 */
export interface EventDispatcher {
  /** Which implementation this is, for the startup log and /readyz. */
  readonly kind: 'bullmq' | 'in-process';
  /**
   * Hands stored events over for processing and returns without waiting for
   * it. False when they could not be handed over; they stay in the inbox.
   */
  enqueue(eventIds: readonly string[]): Promise<boolean>;
  close(): Promise<void>;
}
