import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY, CHECKOUT_KEY, WITH_KEYS } from '../support/test-app.ts';
import { createEventTestKit, purchase, type EventTestKit } from '../support/event-test-kit.ts';

let t: EventTestKit;
beforeAll(async () => {
  t = await createEventTestKit(WITH_KEYS);
});
afterAll(async () => t?.close());

it('/admin/queues: 401 without a key (and asks the browser for it), 403 with a checkout key, problem+json', async () => {
  const anonymous = await request(t.app).get('/admin/queues').expect(401);
  expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm=/);
  expect(anonymous.body).toMatchObject({ status: 401, type: expect.stringMatching(/unauthorized$/) });
  const checkout = await request(t.app).get('/admin/queues').set('authorization', `Bearer ${CHECKOUT_KEY}`).expect(403);
  expect(checkout.headers['content-type']).toMatch(/application\/problem\+json/);
  await request(t.app).get('/admin/queues/api/queues').auth('ops', CHECKOUT_KEY).expect(403);
});

it('/admin/queues: the dashboard page with an admin key, by Bearer or by Basic (what a browser sends)', async () => {
  const page = await request(t.app).get('/admin/queues').set('authorization', `Bearer ${ADMIN_KEY}`).expect(200);
  expect(page.headers['content-type']).toMatch(/text\/html/);
  expect(page.text).toMatch(/<html/i);
  await request(t.app).get('/admin/queues').auth('ops', ADMIN_KEY).expect(200).expect('content-type', /text\/html/);
});

it("the dashboard's API lists the events queue with its jobs", async () => {
  await t.post(purchase()).set('authorization', `Bearer ${CHECKOUT_KEY}`).expect(202);
  const res = await request(t.app).get('/admin/queues/api/queues').auth('ops', ADMIN_KEY).expect(200);
  const queue = res.body.queues.find((q: { name: string }) => q.name === 'purchase-events');
  expect(queue).toBeDefined();
  expect(queue.counts.waiting + queue.counts.active + queue.counts.completed + queue.counts.delayed).toBeGreaterThanOrEqual(1);
});
