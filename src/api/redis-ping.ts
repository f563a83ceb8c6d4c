import { Redis } from 'ioredis';

/**
 * The readiness probe's view of Redis: one lazily connected client that
 * never queues or retries, so a probe answers within the connect timeout
 * instead of waiting on an outage. A failed connection is retried on the
 * next probe.
 */
export class RedisPing {
  private readonly client: Redis;
  private connecting: Promise<void> | undefined;

  constructor(redisUrl: string, connectTimeoutMs = 1000) {
    this.client = new Redis(redisUrl, { lazyConnect: true, connectTimeout: connectTimeoutMs, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    // Failures reach the caller through check(); without a listener ioredis would print them.
    this.client.on('error', () => undefined);
  }

  async check(): Promise<void> {
    if (this.client.status === 'wait' || this.client.status === 'end') {
      this.connecting ??= this.client.connect().finally(() => {
        this.connecting = undefined;
      });
    }
    if (this.connecting) await this.connecting;
    const answer = await this.client.ping();
    if (answer !== 'PONG') throw new Error(`unexpected answer to PING: ${answer}`);
  }

  close(): void {
    this.client.disconnect();
  }
}
