import type { RouteModule } from '../api/app.ts';
import { toNumber } from '../engine/result-json.ts';
import type { RewardView } from '../rewards/reward-ledger-store.ts';
import type { EventIngestService } from './event-ingest-service.ts';
import type { EventStatusService } from './event-status-service.ts';
import type { FailedJobsService } from './failed-jobs-service.ts';
import { EVENT_BATCH_SCHEMA, EVENT_ID_SCHEMA, PURCHASE_EVENT_SCHEMA, type PurchaseEvent } from './purchase-event-schema.ts';

const PURCHASE_EXAMPLE = {
  id: '0b8f6c1e-4f5e-4d7a-9a53-2f1f0c9d1e01',
  type: 'purchase.completed',
  orderId: 'ord-1001',
  userId: 'u-jordan',
  occurredAt: '2026-03-10T09:15:00-04:00',
  currency: 'USD',
  items: [{ sku: 'RUN-SHOE-42', category: 'shoes', unitPrice: 8990, quantity: 1 }],
  discounts: [],
  referralCode: 'ALICE5',
  signals: { email: 'jordan.lee@example.com' },
};

const idParams = { type: 'object', required: ['id'], properties: { id: EVENT_ID_SCHEMA } } as const;

/** POST /v1/events, POST /v1/events/batch, GET /v1/events/:id (checkout scope). */
export function eventRoutes(ingest: EventIngestService, status: EventStatusService): RouteModule {
  return (api) => {
    api.route(
      {
        method: 'post',
        path: '/v1/events',
        summary: 'Report a purchase, refund or cancellation',
        description: 'Stored durably before the answer. The same id and payload again answers 200 with the same body; the same id with another payload is 409.',
        tags: ['events'],
        access: 'checkout',
        body: PURCHASE_EVENT_SCHEMA,
        example: PURCHASE_EXAMPLE,
        responses: { 202: { description: 'accepted' }, 200: { description: 'already received, same payload' }, 400: { description: 'invalid event' }, 409: { description: 'id reused with another payload' } },
      },
      async (req, res) => {
        const { created, answer } = await ingest.ingestOne(req.body as PurchaseEvent);
        res.status(created ? 202 : 200).json(answer);
      },
    );
    api.route(
      {
        method: 'post',
        path: '/v1/events/batch',
        summary: 'Report up to 1,000 events at once',
        description: 'Each event is answered on its own: accepted, duplicate (same id and payload) or conflict (same id, other payload).',
        tags: ['events'],
        access: 'checkout',
        body: EVENT_BATCH_SCHEMA,
        example: { events: [PURCHASE_EXAMPLE, { id: 'refund-ord-1001-1', type: 'purchase.refunded', orderId: 'ord-1001', occurredAt: '2026-03-15T10:00:00Z', amount: 2000 }] },
        responses: { 202: { description: 'per-event outcomes' }, 400: { description: 'invalid batch' } },
      },
      async (req, res) => {
        const outcomes = await ingest.ingest((req.body as { events: PurchaseEvent[] }).events);
        res.status(202).json({ results: outcomes.map((o) => (o.outcome === 'conflict' ? { id: o.id, outcome: o.outcome, detail: o.detail } : { ...o.answer, outcome: o.outcome })) });
      },
    );
    api.route(
      {
        method: 'get',
        path: '/v1/events/:id',
        summary: "An event's processing status and the rewards it produced",
        tags: ['events'],
        access: 'checkout',
        params: idParams,
        responses: { 200: { description: 'status: accepted, processed, failed (with reason) or deferred' }, 404: { description: 'unknown id' } },
      },
      async (req, res) => {
        const found = await status.get(req.params.id as string);
        res.json({ ...found, rewards: found.rewards.map(rewardJson) });
      },
    );
  };
}

/** GET /v1/admin/failed-jobs, POST /v1/admin/failed-jobs/:id/retry (admin scope). */
export function failedJobRoutes(failed: Pick<FailedJobsService, 'list' | 'retry'>): RouteModule {
  return (api) => {
    api.route(
      {
        method: 'get',
        path: '/v1/admin/failed-jobs',
        summary: 'Jobs that failed for good (attempts exhausted or unrecoverable)',
        tags: ['admin'],
        access: 'admin',
        query: { type: 'object', additionalProperties: false, properties: { offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
        responses: { 200: { description: 'failed jobs, newest first' } },
      },
      async (req, res) => {
        const { offset, limit } = req.query as unknown as { offset: number; limit: number };
        res.json({ jobs: await failed.list(offset, limit) });
      },
    );
    api.route(
      {
        method: 'post',
        path: '/v1/admin/failed-jobs/:id/retry',
        summary: 'Retry a failed job with fresh attempts',
        tags: ['admin'],
        access: 'admin',
        params: idParams,
        example: {},
        responses: { 202: { description: 'back in the queue' }, 404: { description: 'no such failed job' } },
      },
      async (req, res) => {
        res.status(202).json(await failed.retry(req.params.id as string));
      },
    );
  };
}

function rewardJson(reward: RewardView) {
  return { ...reward, amount: toNumber(reward.amount), pending: toNumber(reward.pending), confirmed: toNumber(reward.confirmed), reversed: toNumber(reward.reversed), holdUntil: reward.holdUntil.toISOString() };
}
