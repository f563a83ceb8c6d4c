import { Queue } from 'bullmq';
import { EVENTS_QUEUE, redisOptions } from '../../src/events/event-queue.ts';

export const BENCH_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Removes every key of a bench queue (jobs, schedulers, meta): the bench leaves Redis as it found it. */
export async function obliterateQueue(prefix: string, name: string = EVENTS_QUEUE): Promise<void> {
  const queue = new Queue(name, { connection: redisOptions(BENCH_REDIS_URL, 'worker'), prefix });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}
