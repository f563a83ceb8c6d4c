import type { RouteModule } from '../api/app.ts';
import { decodeCursor, encodeCursor, PAGE_QUERY, type PageQuery } from '../api/cursor.ts';
import { toNumber } from '../engine/result-json.ts';
import { PROBLEM } from '../referrals/referral-code-schemas.ts';
import { USER_PARAMS } from '../referrals/referral-history-routes.ts';
import type { RewardHistoryService } from './reward-history-service.ts';
import type { Bucket } from './reward-history-store.ts';

const REWARD_QUERY = {
  ...PAGE_QUERY,
  properties: { ...PAGE_QUERY.properties, status: { enum: ['pending', 'confirmed', 'reversed'], description: 'Only rewards with this status.' } },
} as const;

const AMOUNT = { type: 'integer', description: 'Minor units (points for PTS).' } as const;
const BUCKETS = { pending: AMOUNT, confirmed: AMOUNT, reversed: AMOUNT } as const;

const REWARD_HISTORY_RESPONSE = {
  type: 'object',
  required: ['userId', 'balances', 'rewards', 'nextCursor'],
  properties: {
    userId: { type: 'string' },
    balances: {
      type: 'array',
      description: 'Per kind and currency: what flowed into each ledger bucket minus what flowed out.',
      items: { type: 'object', properties: { kind: { type: 'string' }, currency: { type: 'string' }, ...BUCKETS } },
    },
    rewards: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          orderId: { type: 'string' },
          referee: { type: ['string', 'null'] },
          role: { type: 'string' },
          kind: { type: 'string' },
          currency: { type: 'string' },
          campaignId: { type: ['string', 'null'] },
          amount: AMOUNT,
          status: { enum: ['pending', 'confirmed', 'reversed'] },
          ...BUCKETS,
          grantedAt: { type: 'string', format: 'date-time' },
          holdUntil: { type: 'string', format: 'date-time' },
        },
      },
    },
    nextCursor: { type: ['string', 'null'] },
  },
} as const;

/** GET /v1/users/:userId/rewards */
export function rewardHistoryRoutes(history: RewardHistoryService): RouteModule {
  return (api) => {
    api.route(
      {
        method: 'get',
        path: '/v1/users/:userId/rewards',
        summary: "A user's rewards (pending, confirmed, reversed), newest first, with balances per kind and currency",
        description: 'Paged: pass `nextCursor` back as `cursor`; `status` filters. Balances cover the whole ledger, not the page or the filter.',
        tags: ['history'],
        access: 'checkout',
        params: USER_PARAMS,
        query: REWARD_QUERY,
        responses: { 200: { description: 'one page', schema: REWARD_HISTORY_RESPONSE }, 400: { description: 'bad parameter or cursor', schema: PROBLEM, contentType: 'application/problem+json' } },
      },
      async (req, res) => {
        const query = req.query as unknown as PageQuery & { status?: Bucket };
        const page = await history.page(String(req.params.userId), query.limit, decodeCursor(query.cursor), query.status);
        const buckets = (b: { pending: bigint; confirmed: bigint; reversed: bigint }) => ({ pending: toNumber(b.pending), confirmed: toNumber(b.confirmed), reversed: toNumber(b.reversed) });
        res.json({
          userId: page.userId,
          balances: page.balances.map((balance) => ({ kind: balance.kind, currency: balance.currency, ...buckets(balance) })),
          rewards: page.rewards.map((reward) => ({ ...reward, amount: toNumber(reward.amount), ...buckets(reward) })),
          nextCursor: page.next ? encodeCursor(page.next) : null,
        });
      },
    );
  };
}
