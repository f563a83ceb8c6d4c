import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY, CHECKOUT_KEY, WITH_KEYS } from '../support/test-app.ts';
import { createEventTestKit, purchase, type EventTestKit } from '../support/event-test-kit.ts';

let t: EventTestKit;
beforeAll(async () => {
  t = await createEventTestKit(WITH_KEYS);
});
afterAll(async () => t?.close());

it('events need a checkout (or admin) key; failed jobs need an admin key', async () => {
  const event = purchase();
  await request(t.app).post('/v1/events').send(event).expect(401);
  await request(t.app).post('/v1/events').set('authorization', `Bearer ${CHECKOUT_KEY}`).send(event).expect(202);
  await request(t.app).get(`/v1/events/${event.id}`).set('authorization', `Bearer ${CHECKOUT_KEY}`).expect(200);
  await request(t.app).get('/v1/admin/failed-jobs').set('authorization', `Bearer ${CHECKOUT_KEY}`).expect(403);
  await request(t.app).post('/v1/admin/failed-jobs/x-1/retry').set('authorization', `Bearer ${CHECKOUT_KEY}`).expect(403);
  const listed = await request(t.app).get('/v1/admin/failed-jobs').set('authorization', `Bearer ${ADMIN_KEY}`).expect(200);
  expect(listed.body).toEqual({ jobs: [] });
  await request(t.app).post('/v1/admin/failed-jobs/x-1/retry').set('authorization', `Bearer ${ADMIN_KEY}`).expect(404);
});

it('the OpenAPI document describes the event routes with an example', async () => {
  const doc = (await request(t.app).get('/openapi.json').expect(200)).body;
  expect(doc.paths['/v1/events'].post.requestBody.content['application/json'].example).toMatchObject({ type: 'purchase.completed' });
  expect(doc.paths['/v1/admin/failed-jobs/{id}/retry'].post['x-scope']).toBe('admin');
});
