import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createApplication, type Application } from '../../src/composition-root.ts';
import { createLogger } from '../../src/logger.ts';
import { PUBLIC_BASE_URL, SHOP_URL } from '../support/test-app.ts';

/**
 * What a newcomer gets from `npm start` with neither DATABASE_URL nor
 * REDIS_URL: the embedded PGlite (in memory here) and events processed in
 * the server process. The whole story through HTTP, as a shop would drive it.
 */
let application: Application;
beforeAll(async () => {
  const config = loadConfig({ NODE_ENV: 'test', PGLITE_DIR: 'memory://', SHOP_URL, PUBLIC_BASE_URL, LOG_LEVEL: 'silent', JOB_BACKOFF_MS: '20' });
  application = await createApplication(config, createLogger(process.env.TEST_LOG ?? 'silent'), { recovery: { intervalMs: 100, graceMs: 0 } });
});
afterAll(async () => {
  await application?.close();
});

const cart = { currency: 'USD', items: [{ sku: 'SHOE-1', category: 'shoes', unitPrice: 12_000, quantity: 1 }], discounts: [] };

/** Posts an event and waits until the server has processed it in-process. */
async function postAndWait(event: Record<string, unknown>): Promise<Record<string, any>> {
  await request(application.app).post('/v1/events').send(event).expect(202);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = (await request(application.app).get(`/v1/events/${event.id}`).expect(200)).body;
    if (status.status !== 'accepted') return status;
    if (Date.now() > deadline) throw new Error(`event ${event.id} still accepted`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('embedded mode (PGlite, in-process events)', () => {
  it('reports its mode on /readyz', async () => {
    const ready = await request(application.app).get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { postgres: 'ok', rules: 'ok', redis: 'not used (in-process mode)' } });
    expect(application.events.queue).toBeUndefined();
    expect(application.events.dispatcher.kind).toBe('in-process');
  });

  let code: string;
  let visitorId: string;
  const orderId = `ord-${randomUUID()}`;

  it('code → click → quote → purchase → reward in the referrer\'s history', async () => {
    code = (await request(application.app).post('/v1/referral-codes').send({ userId: 'alice' }).expect(201)).body.code;

    const click = await request(application.app).get(`/r/${code}`).expect(302);
    expect(click.headers.location).toBe(`${SHOP_URL}/?ref=${code}`);
    visitorId = /rvid=([^;]+)/.exec((click.headers['set-cookie'] as unknown as string[])[0]!)![1]!;

    const occurredAt = new Date(Date.now() + 1000).toISOString();
    const quote = await request(application.app).post('/v1/checkout/quote').send({ userId: 'bob', visitorId, at: occurredAt, ...cart }).expect(200);
    expect(quote.body.referral).toMatchObject({ present: true, source: 'link', referrerId: 'alice' });
    expect(quote.body.refereeDiscount).toBeGreaterThan(0);
    expect(quote.body.total).toBe(12_000 - quote.body.refereeDiscount);

    const status = await postAndWait({ id: `evt-${randomUUID()}`, type: 'purchase.completed', orderId, userId: 'bob', occurredAt, visitorId, ...cart });
    expect(status.status).toBe('processed');
    const cashback = status.rewards.find((r: { beneficiaryId: string; currency: string }) => r.beneficiaryId === 'alice' && r.currency === 'USD');
    expect(cashback.amount).toBe(quote.body.referrerCashback);

    const rewards = (await request(application.app).get('/v1/users/alice/rewards').expect(200)).body;
    expect(rewards.rewards.length).toBeGreaterThan(0);
    expect(rewards.rewards.every((r: { orderId: string; pending: number }) => r.orderId === orderId && r.pending > 0)).toBe(true);
    expect(rewards.balances).toContainEqual({ kind: 'cashback', currency: 'USD', pending: quote.body.referrerCashback, confirmed: 0, reversed: 0 });

    const referrals = (await request(application.app).get('/v1/users/alice/referrals').expect(200)).body;
    expect(referrals.code).toMatchObject({ code });
    expect(referrals.referrals).toHaveLength(1);
    expect(referrals.referrals[0]).toMatchObject({ source: 'link', status: 'pending' });
  });

  it('a full refund reverses the rewards and voids the referral', async () => {
    const status = await postAndWait({ id: `ref-${randomUUID()}`, type: 'purchase.refunded', orderId, occurredAt: new Date(Date.now() + 2000).toISOString() });
    expect(status.status).toBe('processed');
    const rewards = (await request(application.app).get('/v1/users/alice/rewards').expect(200)).body;
    for (const reward of rewards.rewards) expect(reward).toMatchObject({ pending: 0, confirmed: 0, reversed: reward.amount });
    const referrals = (await request(application.app).get('/v1/users/alice/referrals').expect(200)).body;
    expect(referrals.referrals[0]).toMatchObject({ status: 'void' });
  });

  it('a refund that arrives before its purchase waits, then applies once the purchase is processed', async () => {
    const late = `ord-${randomUUID()}`;
    const refund = await postAndWait({ id: `ref-${randomUUID()}`, type: 'purchase.refunded', orderId: late, occurredAt: new Date(Date.now() + 5000).toISOString(), amount: 6000 });
    expect(refund.status).toBe('deferred');
    await postAndWait({ id: `evt-${randomUUID()}`, type: 'purchase.completed', orderId: late, userId: 'carol', occurredAt: new Date(Date.now() + 3000).toISOString(), referralCode: code, ...cart });
    const after = (await request(application.app).get(`/v1/events/${refund.id}`).expect(200)).body;
    expect(after.status).toBe('processed');
    expect(after.rewards.some((r: { reversed: number }) => r.reversed > 0)).toBe(true);
  });

  it('the confirmation sweep confirms rewards past their hold and makes the referral successful', async () => {
    const orderId = `ord-${randomUUID()}`;
    const occurredAt = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const status = await postAndWait({ id: `evt-${randomUUID()}`, type: 'purchase.completed', orderId, userId: 'erin', occurredAt, referralCode: code, ...cart });
    expect(status.status).toBe('processed');
    const swept = await application.events.lifecycle.confirmDue(new Date());
    expect(swept.confirmed).toBe(status.rewards.length);
    expect(swept.successfulReferrals).toBe(1);
    const rewards = (await request(application.app).get('/v1/users/alice/rewards?status=confirmed').expect(200)).body.rewards;
    expect(rewards.map((r: { orderId: string }) => r.orderId)).toContain(orderId);
    const referrals = (await request(application.app).get('/v1/users/alice/referrals').expect(200)).body;
    expect(referrals.successfulReferrals).toBe(1);
  });

  it('the recovery loop runs in the server: an event in the inbox that was never handed over gets processed', async () => {
    const id = `evt-${randomUUID()}`;
    // Stored as the API stores it, but not dispatched: as after a crash between the insert and the hand-over.
    await application.events.stores.inbox.storeAll([{ id, type: 'purchase.completed', orderId: `ord-${randomUUID()}`, userId: 'frank', occurredAt: new Date().toISOString(), referralCode: code, ...cart }]);
    const deadline = Date.now() + 10_000;
    while ((await request(application.app).get(`/v1/events/${id}`).expect(200)).body.status === 'accepted') {
      if (Date.now() > deadline) throw new Error('the recovery loop did not pick the event up');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await request(application.app).get(`/v1/events/${id}`).expect(200)).body.status).toBe('processed');
  });

  it('/metrics counts in-process jobs and shows the line\'s depth under the same queue label as BullMQ', async () => {
    const text = (await request(application.app).get('/metrics').expect(200)).text;
    expect(text).toMatch(/events_processed_total\{type="purchase.completed"\} [1-9]/);
    expect(text).toMatch(/job_duration_seconds_count\{[^}]*job="purchase-event"[^}]*outcome="completed"[^}]*\} [1-9]/);
    expect(text).toMatch(/queue_depth\{[^}]*queue="purchase-events"[^}]*\} 0/);
  });

  it('an event no rule set covers fails at once, is listed as a failed job, and an admin retry hands it over again', async () => {
    const id = `evt-${randomUUID()}`;
    const failed = await postAndWait({ id, type: 'purchase.completed', orderId: `ord-${randomUUID()}`, userId: 'dave', occurredAt: '2001-01-01T00:00:00Z', ...cart });
    expect(failed.status).toBe('failed');
    const jobs = (await request(application.app).get('/v1/admin/failed-jobs').expect(200)).body.jobs;
    expect(jobs).toContainEqual(expect.objectContaining({ id, eventId: id, failedReason: failed.failureReason }));
    await request(application.app).post(`/v1/admin/failed-jobs/${id}/retry`).expect(202, { id, requeued: 'enqueued' });
    await application.events.inProcess!.idle();
    expect((await request(application.app).get(`/v1/events/${id}`).expect(200)).body.status).toBe('failed');
  });
});
