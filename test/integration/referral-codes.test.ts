import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_ALPHABET } from '../../src/referrals/referral-code-generator.ts';
import { ADMIN_KEY, CHECKOUT_KEY, createTestApp, PUBLIC_BASE_URL, WITH_KEYS, type TestApp } from '../support/test-app.ts';

let t: TestApp;
const checkout = { Authorization: `Bearer ${CHECKOUT_KEY}` };
const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

beforeAll(async () => {
  t = await createTestApp(WITH_KEYS);
});
afterAll(async () => {
  await t.close();
});

describe('POST /v1/referral-codes', () => {
  it('creates an 8-character code from the unambiguous alphabet (201), then returns the same one (200)', async () => {
    const first = await request(t.app).post('/v1/referral-codes').set(checkout).send({ userId: 'u1' }).expect(201);
    expect(first.body.code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{8}$`));
    expect(first.body.code).not.toMatch(/[01OIL]/);
    expect(first.body).toEqual({
      code: first.body.code,
      userId: 'u1',
      link: `${PUBLIC_BASE_URL}/r/${first.body.code}`,
      qrCodeUrl: `${PUBLIC_BASE_URL}/v1/referral-codes/${first.body.code}/qr.svg`,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const second = await request(t.app).post('/v1/referral-codes').set(checkout).send({ userId: 'u1' }).expect(200);
    expect(second.body).toEqual(first.body);
  });

  it('gives 1,000 concurrent creations for distinct users 1,000 distinct codes', async () => {
    const responses = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => request(t.app).post('/v1/referral-codes').set(checkout).send({ userId: `many-${i}` })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(1000).fill(201));
    expect(new Set(responses.map((r) => r.body.code)).size).toBe(1000);
    const stored = await t.db.knex('referral_codes').where('user_id', 'like', 'many-%').count<{ count: bigint }[]>('* as count');
    expect(Number(stored[0]!.count)).toBe(1000);
  });

  it('gives 1,000 concurrent creations for the same user one code and exactly one 201', async () => {
    const responses = await Promise.all(
      Array.from({ length: 1000 }, () => request(t.app).post('/v1/referral-codes').set(checkout).send({ userId: 'same-user' })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(999);
    expect(new Set(responses.map((r) => r.body.code)).size).toBe(1);
    const stored = await t.db.knex('referral_codes').where({ user_id: 'same-user' });
    expect(stored).toHaveLength(1);
  });

  it('lets an admin claim a vanity code, stored upper-case; a second claim by the same user is 200', async () => {
    const created = await request(t.app).post('/v1/referral-codes').set(admin).send({ userId: 'alice', code: 'Alice2026' }).expect(201);
    expect(created.body.code).toBe('ALICE2026');
    await request(t.app).post('/v1/referral-codes').set(admin).send({ userId: 'alice', code: 'alice2026' }).expect(200);
  });

  it('refuses a vanity code held by another user with 409', async () => {
    const res = await request(t.app).post('/v1/referral-codes').set(admin).send({ userId: 'mallory', code: 'ALICE2026' }).expect(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.type).toMatch(/code-taken$/);
  });

  it('refuses a vanity code with a checkout key (403)', async () => {
    const res = await request(t.app).post('/v1/referral-codes').set(checkout).send({ userId: 'bob', code: 'BOBBY' }).expect(403);
    expect(res.body.detail).toMatch(/admin/);
  });

  it('validates the body', async () => {
    const unknown = await request(t.app).post('/v1/referral-codes').set(checkout).send({ userId: 'u1', extra: 1 }).expect(400);
    expect(unknown.body.errors).toEqual([{ pointer: '/body/extra', detail: 'unknown field' }]);
    const missing = await request(t.app).post('/v1/referral-codes').set(checkout).send({}).expect(400);
    expect(missing.body.errors).toEqual([{ pointer: '/body/userId', detail: 'is required' }]);
    await request(t.app).post('/v1/referral-codes').set(checkout).send({ userId: 42 }).expect(400);
    await request(t.app).post('/v1/referral-codes').set(admin).send({ userId: 'u9', code: 'bad code!' }).expect(400);
  });

  it('needs a key (401)', async () => {
    await request(t.app).post('/v1/referral-codes').send({ userId: 'u1' }).expect(401);
    await request(t.app).post('/v1/referral-codes').set({ Authorization: 'Bearer wrong-key-0123456789' }).send({ userId: 'u1' }).expect(401);
  });
});

describe('GET /v1/referral-codes/:code', () => {
  it('returns the code, its owner and whether it is active, case-insensitively', async () => {
    const { body } = await request(t.app).post('/v1/referral-codes').set(checkout).send({ userId: 'owner-1' }).expect(201);
    const res = await request(t.app).get(`/v1/referral-codes/${body.code.toLowerCase()}`).set(checkout).expect(200);
    expect(res.body).toMatchObject({ code: body.code, userId: 'owner-1', active: true, vanity: false });
  });

  it('answers 404 problem+json for an unknown code', async () => {
    const res = await request(t.app).get('/v1/referral-codes/NOSUCHCODE').set(checkout).expect(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, detail: 'no referral code "NOSUCHCODE"' });
  });

  it('answers 400 for a malformed code', async () => {
    await request(t.app).get('/v1/referral-codes/a-b').set(checkout).expect(400);
  });
});

describe('code collisions', () => {
  it('draws again when a generated code is already taken by another user', async () => {
    const { ReferralCodeService } = await import('../../src/referrals/referral-code-service.ts');
    const taken = (await request(t.app).post('/v1/referral-codes').set(checkout).send({ userId: 'first-owner' })).body.code as string;
    const draws = [taken, taken, 'FRESH234'];
    const service = new ReferralCodeService(t.application.stores.referralCodes, () => draws.shift()!);
    const outcome = await service.getOrCreate('second-owner');
    expect(outcome).toMatchObject({ created: true, code: { code: 'FRESH234', userId: 'second-owner' } });
  });
});
