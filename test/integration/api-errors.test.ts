import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, CHECKOUT_KEY, createTestApp, WITH_KEYS, type TestApp } from '../support/test-app.ts';

let t: TestApp;
const checkout = { Authorization: `Bearer ${CHECKOUT_KEY}` };

beforeAll(async () => {
  t = await createTestApp({ ...WITH_KEYS, BODY_LIMIT: '2kb' });
});
afterAll(async () => {
  await t.close();
});

const isProblem = (res: request.Response) => expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);

describe('errors are problem+json', () => {
  it('answers an unknown route with 404', async () => {
    const res = await request(t.app).get('/v1/nothing-here').set(checkout).expect(404);
    isProblem(res);
    expect(res.body).toMatchObject({ type: expect.stringMatching(/not-found$/), status: 404, detail: 'no route for GET /v1/nothing-here' });
  });

  it('answers a body over the limit with 413', async () => {
    const items = Array.from({ length: 60 }, (_, i) => ({ sku: `SKU-${i}`, category: 'shoes', unitPrice: 100, quantity: 1 }));
    const res = await request(t.app).post('/v1/checkout/quote').set(checkout).send({ userId: 'u', currency: 'USD', items }).expect(413);
    isProblem(res);
    expect(res.body.type).toMatch(/body-too-large$/);
  });

  it('answers malformed JSON and a missing JSON body with 400', async () => {
    const malformed = await request(t.app).post('/v1/checkout/quote').set(checkout).set('Content-Type', 'application/json').send('{"userId": ').expect(400);
    isProblem(malformed);
    expect(malformed.body.type).toMatch(/malformed-json$/);
    const form = await request(t.app).post('/v1/referral-codes').set(checkout).type('form').send('userId=u1').expect(400);
    expect(form.body.detail).toMatch(/JSON body is required/);
  });

  it('answers 401 without a key or with a wrong one', async () => {
    for (const headers of [{}, { Authorization: 'Bearer not-a-real-key-000000' }, { 'X-Api-Key': 'nope' }]) {
      const res = await request(t.app).post('/v1/checkout/quote').set(headers).send({}).expect(401);
      isProblem(res);
    }
    await request(t.app).get('/v1/users/u1/rewards').expect(401);
  });

  it('answers 403 for a checkout key on an admin route, and lets the admin key through', async () => {
    const res = await request(t.app).get('/v1/admin/failed-jobs').set(checkout).expect(403);
    isProblem(res);
    await request(t.app).post('/v1/referral-codes').set('X-Api-Key', ADMIN_KEY).send({ userId: 'admin-made', code: 'ADMINMADE' }).expect(201);
    // An admin key may also call checkout routes.
    await request(t.app).post('/v1/referral-codes').set('X-Api-Key', ADMIN_KEY).send({ userId: 'admin-made' }).expect(201);
  });
});

describe('public routes and docs', () => {
  it('serves health, readiness (PostgreSQL, rules and Redis) and the OpenAPI document without a key', async () => {
    await request(t.app).get('/healthz').expect(200);
    const ready = await request(t.app).get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ready', checks: expect.objectContaining({ postgres: 'ok', rules: 'ok', redis: 'ok' }) });
    const doc = await request(t.app).get('/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/referral-codes', '/v1/referral-codes/{code}', '/r/{code}', '/v1/referral-codes/{code}/qr.svg', '/v1/referral-codes/{code}/qr.png', '/v1/checkout/quote', '/v1/users/{userId}/referrals', '/v1/users/{userId}/rewards']),
    );
    const quote = doc.body.paths['/v1/checkout/quote'].post;
    expect(quote.requestBody.content['application/json'].example).toBeDefined();
    expect(quote.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
  });
});

describe('readiness with Redis down', () => {
  it('answers 503 and names Redis', async () => {
    const down = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await request(down.app).get('/readyz').expect(503);
      expect(res.body.checks).toMatchObject({ postgres: 'ok', rules: 'ok', redis: expect.stringMatching(/^failing: /) });
    } finally {
      await down.close();
    }
  });
});
