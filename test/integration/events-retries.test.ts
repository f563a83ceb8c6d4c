import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEventTestKit, purchase, type EventTestKit } from '../support/event-test-kit.ts';

let t: EventTestKit;
beforeAll(async () => {
  t = await createEventTestKit({ JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '10' });
  await t.referralCode('ALICE5', 'u-alice');
  await t.startWorker();
});
afterAll(async () => t?.close());

it('a failure that retries cannot fix in time is recorded after the last attempt, listed, and retried by an admin', async () => {
  // A database fault for this file's database only: the table the purchase writes signals to is gone.
  await t.db.knex.raw('ALTER TABLE user_signals RENAME TO user_signals_away');
  const event = purchase({ referralCode: 'ALICE5', signals: { email: 'a@example.com' } });
  await t.post(event).expect(202);
  await t.settle();

  const status = (await request(t.app).get(`/v1/events/${event.id}`).expect(200)).body;
  expect(status).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/gave up after 3 attempts: [^]*relation "user_signals" does not exist/) });
  // Nothing of the failed attempts was kept: each rolled back whole.
  expect(await t.db.knex('orders').where({ order_id: event.orderId })).toHaveLength(0);
  expect(await t.db.knex('rewards').where({ event_id: event.id })).toHaveLength(0);
  const listed = (await request(t.app).get('/v1/admin/failed-jobs').expect(200)).body.jobs;
  expect(listed).toEqual([expect.objectContaining({ id: event.id, eventId: event.id, attemptsMade: 3 })]);

  await t.db.knex.raw('ALTER TABLE user_signals_away RENAME TO user_signals');
  await request(t.app).post(`/v1/admin/failed-jobs/${event.id}/retry`).expect(202);
  await t.settle();
  const after = (await request(t.app).get(`/v1/events/${event.id}`).expect(200)).body;
  expect(after).toMatchObject({ status: 'processed', failureReason: null, rewards: [expect.objectContaining({ kind: 'cashback', amount: 95 })] });
  expect((await request(t.app).get('/v1/admin/failed-jobs').expect(200)).body.jobs).toEqual([]);
});
