import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONFIRM_JOB, EVENTS_QUEUE, redisOptions } from '../../src/events/event-queue.ts';
import { CONFIRM_EVERY_MS, scheduleConfirmations } from '../../src/events/event-worker.ts';
import { createEventTestKit, purchase, type EventTestKit } from '../support/event-test-kit.ts';

let t: EventTestKit;
beforeAll(async () => {
  t = await createEventTestKit();
  await t.referralCode('ALICE5', 'u-alice');
  await t.startWorker();
});
afterAll(async () => t?.close());

it('the worker schedules the confirmation sweep every minute, and a sweep job confirms rewards past their hold', async () => {
  const queue = t.application.events.queue!.queue;
  await scheduleConfirmations(t.application.events.queue!);
  await scheduleConfirmations(t.application.events.queue!); // a restart does not add a second schedule
  const schedulers = await queue.getJobSchedulers();
  expect(schedulers).toEqual([expect.objectContaining({ key: CONFIRM_JOB, every: CONFIRM_EVERY_MS })]);

  // An order from March 2026: its 15-day hold ended long before the sweep's "now".
  const order = purchase({ referralCode: 'ALICE5' });
  await t.post(order).expect(202);
  await t.settle();
  const events = new QueueEvents(EVENTS_QUEUE, { connection: redisOptions(t.config.redisUrl, 'worker'), prefix: t.config.queuePrefix });
  try {
    await events.waitUntilReady();
    const job = await queue.add(CONFIRM_JOB, {}, { jobId: 'sweep-now', removeOnComplete: false });
    expect(await job.waitUntilFinished(events, 10_000)).toMatchObject({ confirmed: 1, successfulReferrals: 1 });
  } finally {
    await events.close();
  }
  const reward = await t.db.knex('rewards').where({ order_id: order.orderId }).first();
  expect(await t.db.knex('reward_entries').where({ reward_id: reward.id, entry_type: 'confirm' }).first()).toMatchObject({ amount: 95n, from_bucket: 'pending', to_bucket: 'confirmed' });
  expect(await t.db.knex('referrals').where({ referee_id: order.userId }).first()).toMatchObject({ status: 'successful' });
});
