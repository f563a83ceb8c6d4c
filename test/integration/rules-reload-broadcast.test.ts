import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorkerApplication, type WorkerApplication } from '../../src/composition-root.ts';
import { createLogger } from '../../src/logger.ts';
import { ADMIN_KEY, createTestApp, WITH_KEYS, type TestApp } from '../support/test-app.ts';
import { createTempRules, type TempRules } from '../support/temp-rules.ts';

let api: TestApp;
let worker: WorkerApplication;
let rules: TempRules;

beforeAll(async () => {
  rules = await createTempRules();
  api = await createTestApp({ ...WITH_KEYS, RULES_DIR: rules.dir, QUEUE_PREFIX: `test-${randomUUID()}` });
  // A worker process's application on the same Redis prefix and rules folder.
  worker = await createWorkerApplication(api.config, createLogger('silent'));
});
afterAll(async () => {
  await worker?.close();
  await api?.close();
  await rules?.remove();
});

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it("an admin's reload on the API reaches the worker, which loads the same new set", async () => {
  const before = worker.rules.get().hash;
  expect(api.application.services.rules.get().hash).toBe(before);
  // Both processes subscribe in the background; wait until Redis has them.
  const redis = new Redis(api.config.redisUrl!);
  try {
    const channel = `${api.config.queuePrefix}:rules-reload`;
    const deadline = Date.now() + 5000;
    while (Number(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]) < 2) {
      if (Date.now() > deadline) throw new Error('the API and the worker did not subscribe');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    redis.disconnect();
  }

  await rules.edit('referral/referral-v1.json', (content) => {
    content.rules[0].event.params.percent = 10;
  });
  const reloaded = await request(api.app).post('/v1/rules/reload').set('authorization', `Bearer ${ADMIN_KEY}`).expect(200);
  expect(reloaded.body.changed).toBe(true);
  await eventually(() => worker.rules.get().hash === reloaded.body.hash);
  const referral = reloaded.body.files.find((file: { id: string }) => file.id === 'referral');
  expect(await worker.metrics.registry.metrics()).toContain(`rule_set_info{id="referral",version="1",hash="${referral.hash.slice(0, 12)}"} 1`);
});

it('a refused reload announces nothing: the worker keeps its set', async () => {
  const before = worker.rules.get().hash;
  await rules.edit('referral/referral-v1.json', (content) => {
    content.rules[0].event.params.percent = 'lots';
  });
  await request(api.app).post('/v1/rules/reload').set('authorization', `Bearer ${ADMIN_KEY}`).expect(422);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(worker.rules.get().hash).toBe(before);
});
