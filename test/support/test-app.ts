import type { Express } from 'express';
import { randomUUID } from 'node:crypto';
import { obliterateQueue } from './queue-cleanup.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createApplication, type Application } from '../../src/composition-root.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export const SHOP_URL = 'https://shop.example';
export const PUBLIC_BASE_URL = 'https://refer.example';
export const CHECKOUT_KEY = 'checkout-key-0123456789';
export const ADMIN_KEY = 'admin-key-0123456789abc';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestApp {
  app: Express;
  application: Application;
  config: Readonly<Config>;
  db: TestDatabase;
  close(): Promise<void>;
}

/** The real application through the composition root, on a database cloned for this test file. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  // Both set: these tests cover the production mode (PostgreSQL + BullMQ); test/integration/embedded-*.test.ts cover the other.
  // A queue prefix of its own unless the test names one: parallel test files never share jobs.
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, SHOP_URL, PUBLIC_BASE_URL, LOG_LEVEL: 'silent', QUEUE_PREFIX: `test-${randomUUID()}`, ...env });
  const application = await createApplication(config, createLogger('silent'));
  return {
    app: application.app,
    application,
    config,
    db,
    async close() {
      await application.close();
      // After every queue, worker and scheduler of the app is closed, so nothing writes keys back.
      await obliterateQueue(TEST_REDIS_URL, config.queuePrefix);
      await db.drop();
    },
  };
}

/** API_KEYS for tests that check scopes. */
export const WITH_KEYS = { API_KEYS: `checkout:${CHECKOUT_KEY},admin:${ADMIN_KEY}` };

