import { afterAll, beforeAll, expect, it } from 'vitest';
import request from 'supertest';
import { createEventTestKit, purchase, type EventTestKit } from '../support/event-test-kit.ts';

let t: EventTestKit;
beforeAll(async () => {
  t = await createEventTestKit();
  await t.referralCode('ALICE5', 'u-alice');
});
afterAll(async () => t?.close());

it('a purchase with a referral code is processed into a pending cashback reward', async () => {
  const event = purchase({ referralCode: 'alice5' });
  const res = await t.post(event);
  expect(res.status).toBe(202);
  await t.startWorker();
  await t.settle();
  const status = await request(t.app).get(`/v1/events/${event.id}`).expect(200);
  console.log(JSON.stringify(status.body, null, 1));
  expect(status.body.status).toBe('processed');
});
