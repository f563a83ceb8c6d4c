import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.ts';

/**
 * Tells every process sharing Redis (API instances, workers) that an admin
 * reloaded the rules, so they load RULES_DIR too and a quote never uses a
 * newer set than the worker that stores the purchase. Redis pub/sub is
 * fire-and-forget: a process that was down loads the folder when it starts,
 * and SIGHUP remains the manual way.
 */
export class RuleReloadBus {
  private readonly id = randomUUID();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  constructor(
    private readonly channel: string,
    publisherOptions: RedisOptions,
    subscriberOptions: RedisOptions,
    private readonly logger: Logger,
  ) {
    this.publisher = new Redis({ ...publisherOptions, lazyConnect: true });
    this.subscriber = new Redis({ ...subscriberOptions, lazyConnect: true });
    // Outages are reported by /readyz and the queue; ioredis resubscribes after reconnecting.
    this.publisher.on('error', (error) => this.logger.debug({ err: error }, 'rule reload bus: redis error'));
    this.subscriber.on('error', (error) => this.logger.debug({ err: error }, 'rule reload bus: redis error'));
  }

  /** Calls `onReload` when another process announces a reload (never for this one's own). */
  async listen(onReload: (hash: string) => void): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      try {
        const { from, hash } = JSON.parse(message) as { from?: string; hash?: string };
        if (from !== this.id) onReload(String(hash));
      } catch {
        this.logger.warn({ channel, message: message.slice(0, 200) }, 'rule reload bus: unreadable message ignored');
      }
    });
    await this.subscriber.subscribe(this.channel);
  }

  /** Announces this process's reload; a Redis outage is logged, the reload itself stands. */
  async announce(hash: string): Promise<void> {
    try {
      if (this.publisher.status === 'wait') await this.publisher.connect();
      await this.publisher.publish(this.channel, JSON.stringify({ from: this.id, hash }));
    } catch (error) {
      this.logger.warn({ err: error }, 'could not tell the other processes about the reload; send them SIGHUP');
    }
  }

  close(): void {
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
