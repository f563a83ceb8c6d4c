import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Worker } from 'bullmq';
import { createWorkerApplication, type WorkerApplication } from '../../src/composition-root.ts';
import { createEventWorker } from '../../src/events/event-worker.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestApp, type TestApp } from './test-app.ts';

export interface EventTestKit extends TestApp {
  /** Starts an in-process BullMQ worker on this file's private queue prefix. */
  startWorker(): Promise<Worker>;
  worker: WorkerApplication | undefined;
  post(event: Record<string, unknown>): request.Test;
  /** Waits until every inbox event left 'accepted' (processed, failed or deferred). */
  settle(timeoutMs?: number): Promise<void>;
  referralCode(code: string, userId: string): Promise<void>;
}

/**
 * The API and a worker on a cloned database and a queue prefix of this file's
 * own (`test-<uuid>`), obliterated on close: test files never share jobs.
 */
export async function createEventTestKit(env: Record<string, string> = {}): Promise<EventTestKit> {
  const queuePrefix = `test-${randomUUID()}`;
  const base = await createTestApp({ QUEUE_PREFIX: queuePrefix, JOB_BACKOFF_MS: '20', JOB_ATTEMPTS: '5', WORKER_CONCURRENCY: '16', ...env });
  const workers: Worker[] = [];
  const kit: EventTestKit = {
    ...base,
    worker: undefined,
    async startWorker() {
      kit.worker ??= await createWorkerApplication(base.config, createLogger(process.env.TEST_LOG ?? 'silent'), { intervalMs: 200, graceMs: 0 });
      const worker = createEventWorker(kit.worker.events.batcher, kit.worker.events.lifecycle, base.config, createLogger(process.env.TEST_LOG ?? 'silent'));
      void worker.run();
      await worker.waitUntilReady();
      workers.push(worker);
      return worker;
    },
    post: (event) => request(base.app).post('/v1/events').send(event),
    async settle(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = await base.db.knex('purchase_events').where({ status: 'accepted' }).first(base.db.knex.raw('count(*)::int AS count'));
        const count = Number(row?.count ?? 0);
        if (count === 0) return;
        if (Date.now() > deadline) throw new Error(`${count} events still accepted after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async referralCode(code, userId) {
      await base.db.knex('referral_codes').insert({ code, user_id: userId, is_vanity: true }).onConflict('code').ignore();
    },
    async close() {
      for (const worker of workers) await worker.close();
      await kit.worker?.close();
      await base.close();
    },
  };
  return kit;
}

let sequence = 0;
/** A purchase event with sensible defaults; override any field. */
export function purchase(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return {
    id: `evt-${randomUUID()}`,
    type: 'purchase.completed',
    orderId: `ord-${randomUUID()}`,
    userId: `u-${sequence}-${randomUUID().slice(0, 8)}`,
    occurredAt: '2026-03-10T09:15:00-04:00',
    currency: 'USD',
    items: [{ sku: 'SHOE', category: 'shoes', unitPrice: 10_000, quantity: 1 }],
    discounts: [],
    ...overrides,
  };
}
