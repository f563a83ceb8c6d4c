import { Redis } from 'ioredis';
import { Worker, type Job } from 'bullmq';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { RewardLifecycleService } from '../rewards/reward-lifecycle-service.ts';
import type { AttemptInfo } from './event-processor.ts';
import type { ProcessResult } from './purchase-processor.ts';
import type { Metrics } from '../observability/metrics.ts';
import { CONFIRM_JOB, EVENTS_QUEUE, redisOptions, type EventJobData, type EventQueue } from './event-queue.ts';

/** How often the hold confirmation sweep runs by default (CONFIRM_EVERY_MS). */
export const CONFIRM_EVERY_MS = 60_000;

/** What runs an event job: the EventBatcher in production (EventProcessor has the same shape). */
export interface EventHandler {
  handle(eventId: string, attempt: AttemptInfo): Promise<ProcessResult>;
}

/**
 * The BullMQ worker: purchase events go to the EventBatcher, the scheduled
 * sweep to the lifecycle. Delivery is at least once; every handler is
 * idempotent against the database, which is what makes the effect exactly once.
 */
export function createEventWorker(events: EventHandler, lifecycle: RewardLifecycleService, config: Readonly<Config>, logger: Logger, metrics?: Metrics): Worker<EventJobData> {
  const run = async (job: Job<EventJobData>) => {
    if (job.name === CONFIRM_JOB) return lifecycle.confirmDue(new Date());
    if (!job.data.eventId) throw new Error(`job ${job.id} carries no event id`);
    return events.handle(job.data.eventId, { attemptsMade: job.attemptsMade, maxAttempts: job.opts.attempts ?? 1 });
  };
  const worker = new Worker<EventJobData>(
    EVENTS_QUEUE,
    async (job: Job<EventJobData>) => {
      const stop = metrics?.startJob(EVENTS_QUEUE, job.name);
      try {
        const result = await run(job);
        stop?.('completed');
        return result;
      } catch (error) {
        stop?.('failed');
        throw error;
      }
    },
    {
      connection: redisOptions(config.redisUrl, 'worker'),
      prefix: config.queuePrefix,
      concurrency: config.workerConcurrency,
      lockDuration: config.jobLockMs,
      stalledInterval: config.jobLockMs,
      // A job stalls when its worker dies. Re-delivery is always safe here (the database
      // refuses a second effect), so a crash-looping deployment must not fail events for good.
      maxStalledCount: 1000,
      autorun: false,
    },
  );
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
  worker.on('failed', (job, error) => {
    if (job) logger.warn({ jobId: job.id, attemptsMade: job.attemptsMade, err: error }, 'job failed');
  });
  return worker;
}

/**
 * Registers the confirmation sweep every `everyMs` (idempotent: one scheduler per id, shared by
 * all workers; the last to start sets the interval). 0 leaves the scheduler as it is.
 */
export async function scheduleConfirmations(queue: EventQueue, everyMs: number = CONFIRM_EVERY_MS): Promise<void> {
  if (everyMs === 0) return;
  await queue.queue.upsertJobScheduler(CONFIRM_JOB, { every: everyMs }, { name: CONFIRM_JOB, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
}

/**
 * BullMQ loses jobs when Redis evicts keys under memory pressure; only
 * `noeviction` is safe. Returns the policy so the caller can warn.
 */
export async function redisEvictionPolicy(redisUrl: string): Promise<string> {
  const client = new Redis({ ...redisOptions(redisUrl, 'producer'), lazyConnect: true });
  try {
    await client.connect();
    const reply = (await client.config('GET', 'maxmemory-policy')) as string[];
    return reply[1] ?? 'unknown';
  } finally {
    client.disconnect();
  }
}
