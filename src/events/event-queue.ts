import { Queue, type JobsOptions, type RedisOptions } from 'bullmq';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { EventDispatcher } from './event-dispatcher.ts';

/** The one queue: purchase events, plus the scheduled confirmation sweep. */
export const EVENTS_QUEUE = 'purchase-events';
export const EVENT_JOB = 'purchase-event';
export const CONFIRM_JOB = 'confirm-due';

/** Jobs carry the event id only; the payload lives in the inbox, so jobs stay small. */
export interface EventJobData {
  eventId?: string;
}

/**
 * Redis connection options per role. Producers (the API) fail fast so a
 * Redis outage never stalls a request: the event is already in the inbox and
 * the recovery loop enqueues it later. Workers wait for Redis indefinitely,
 * as BullMQ requires (maxRetriesPerRequest: null).
 */
export function redisOptions(redisUrl: string | undefined, role: 'producer' | 'worker'): RedisOptions {
  if (!redisUrl) throw new Error('BullMQ needs REDIS_URL; without it the server processes events itself (in-process mode)');
  const url = new URL(redisUrl);
  const base: RedisOptions = {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  return role === 'producer'
    ? { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: (times) => Math.min(times * 500, 5000) }
    : { ...base, maxRetriesPerRequest: null, enableOfflineQueue: true };
}

export function eventJobOptions(config: Readonly<Config>): JobsOptions {
  return {
    attempts: config.jobAttempts,
    backoff: { type: 'exponential', delay: config.jobBackoffMs },
    // The database is the exactly-once guard, not the job id: finished jobs can go,
    // and the recovery loop may re-add an id once its job is gone.
    removeOnComplete: true,
    removeOnFail: { age: 14 * 86_400 },
  };
}

/** The producer side: enqueues stored events, never throws on a Redis outage. */
export class EventQueue implements EventDispatcher {
  readonly kind = 'bullmq';
  readonly queue: Queue<EventJobData>;

  constructor(
    redisUrl: string,
    private readonly config: Readonly<Config>,
    private readonly logger: Logger,
  ) {
    this.queue = new Queue<EventJobData>(EVENTS_QUEUE, {
      connection: redisOptions(redisUrl, 'producer'),
      prefix: config.queuePrefix,
      defaultJobOptions: eventJobOptions(config),
    });
    // ioredis reports every failed reconnect; one log line per outage state is enough.
    this.queue.on('error', (error) => this.logger.debug({ err: error }, 'event queue: redis error'));
  }

  /** Returns false when Redis did not take the jobs; the inbox still holds the events. */
  async enqueue(eventIds: readonly string[]): Promise<boolean> {
    if (eventIds.length === 0) return true;
    try {
      await withTimeout(this.queue.addBulk(eventIds.map((eventId) => ({ name: EVENT_JOB, data: { eventId }, opts: { jobId: eventId } }))), 2000);
      return true;
    } catch (error) {
      this.logger.warn({ err: error, events: eventIds.length }, 'could not enqueue events; they are in the inbox and the recovery loop will enqueue them');
      return false;
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
