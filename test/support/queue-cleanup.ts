import { Queue } from 'bullmq';
import { EVENTS_QUEUE, redisOptions } from '../../src/events/event-queue.ts';

/**
 * Removes every key of a queue (jobs, schedulers, meta), once everything that
 * used it is closed: tests and benches leave Redis as they found it.
 */
export async function obliterateQueue(redisUrl: string, prefix: string, name: string = EVENTS_QUEUE): Promise<void> {
  const queue = new Queue(name, { connection: redisOptions(redisUrl, 'worker'), prefix });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}
