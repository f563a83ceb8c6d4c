import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEventTestKit, purchase, type EventTestKit } from '../support/event-test-kit.ts';
import { createTempRules, type TempRules } from '../support/temp-rules.ts';

let t: EventTestKit;
let rules: TempRules;
beforeAll(async () => {
  rules = await createTempRules();
  // Version 2 of the referral program from June: a 30-day hold instead of 15.
  await rules.edit(
    'referral/referral-v1.json',
    (c) => {
      c.version = 2;
      c.effectiveFrom = '2026-06-01T00:00:00Z';
      c.settings.holdDays = 30;
    },
    'referral/referral-v2.json',
  );
  t = await createEventTestKit({ RULES_DIR: rules.dir });
  await t.referralCode('ALICE5', 'u-alice');
  await t.startWorker();
});
afterAll(async () => {
  await t?.close();
  await rules?.remove();
});

const DAY = 86_400_000;

it('a late event is computed with the rule version in force at its occurredAt, not at processing time', async () => {
  const recent = purchase({ referralCode: 'ALICE5', occurredAt: '2026-07-01T12:00:00Z' });
  const late = purchase({ referralCode: 'ALICE5', occurredAt: '2026-05-20T12:00:00Z' });
  await t.post(recent).expect(202);
  await t.settle();
  await t.post(late).expect(202);
  await t.settle();

  const holdOf = async (orderId: unknown) => (await t.db.knex('rewards').where({ order_id: orderId }).first()).hold_until.getTime();
  expect(await holdOf(recent.orderId)).toBe(Date.parse('2026-07-01T12:00:00Z') + 30 * DAY);
  expect(await holdOf(late.orderId)).toBe(Date.parse('2026-05-20T12:00:00Z') + 15 * DAY);
  const referralFile = async (orderId: unknown) =>
    (await t.db.knex('orders').where({ order_id: orderId }).first()).result.ruleFiles.find((f: { id: string }) => f.id === 'referral');
  expect(await referralFile(late.orderId)).toMatchObject({ version: 1 });
  expect(await referralFile(recent.orderId)).toMatchObject({ version: 2 });
});

it('an event no rule set covers fails at once with the reason, and is listed as a failed job', async () => {
  const ancient = purchase({ occurredAt: '2025-06-01T12:00:00Z' });
  await t.post(ancient).expect(202);
  await t.settle();
  const status = await request(t.app).get(`/v1/events/${ancient.id}`).expect(200);
  expect(status.body).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/no rule file in force/) });
  const failed = await request(t.app).get('/v1/admin/failed-jobs').expect(200);
  const job = failed.body.jobs.find((j: { id: string }) => j.id === ancient.id);
  expect(job).toMatchObject({ eventId: ancient.id, attemptsMade: 1 });
  // Retrying cannot help here, but the endpoint puts it back and it fails the same way.
  await request(t.app).post(`/v1/admin/failed-jobs/${ancient.id}/retry`).expect(202);
  await t.settle();
  expect((await request(t.app).get(`/v1/events/${ancient.id}`).expect(200)).body.status).toBe('failed');
});
