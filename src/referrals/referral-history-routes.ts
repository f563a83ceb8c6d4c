import type { RouteModule } from '../api/app.ts';
import { decodeCursor, encodeCursor, PAGE_QUERY, type PageQuery } from '../api/cursor.ts';
import { PROBLEM, USER_ID } from './referral-code-schemas.ts';
import type { ReferralHistoryService } from './referral-history-service.ts';

export const USER_PARAMS = { type: 'object', additionalProperties: false, required: ['userId'], properties: { userId: USER_ID } } as const;

const TIER = { type: ['object', 'null'], properties: { name: { type: 'string' }, cashbackPercent: { type: 'string' }, threshold: { type: 'integer' } } } as const;

const REFERRAL_HISTORY_RESPONSE = {
  type: 'object',
  required: ['userId', 'code', 'tier', 'successfulReferrals', 'nextTier', 'referrals', 'nextCursor'],
  properties: {
    userId: { type: 'string' },
    code: { type: ['object', 'null'], properties: { code: { type: 'string' }, link: { type: 'string' }, qrCodeUrl: { type: 'string' } } },
    tier: TIER,
    successfulReferrals: { type: 'integer' },
    nextTier: { ...TIER, properties: { ...TIER.properties, referralsNeeded: { type: 'integer' } } },
    referrals: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          referee: { type: 'string', description: 'Masked: first and last character, e.g. "u***9".' },
          referredAt: { type: 'string', format: 'date-time' },
          source: { enum: ['code', 'link'] },
          code: { type: 'string' },
          status: { enum: ['pending', 'successful', 'void'] },
          successfulAt: { type: ['string', 'null'], format: 'date-time' },
          purchases: { type: 'array', items: { type: 'object', properties: { occurredAt: { type: 'string' }, status: { type: 'string' }, firstOrder: { type: 'boolean' } } } },
          purchaseCount: { type: 'integer' },
        },
      },
    },
    nextCursor: { type: ['string', 'null'] },
  },
} as const;

/** GET /v1/users/:userId/referrals */
export function referralHistoryRoutes(history: ReferralHistoryService): RouteModule {
  return (api) => {
    api.route(
      {
        method: 'get',
        path: '/v1/users/:userId/referrals',
        summary: "A referrer's code, tier, progress to the next tier and referees, newest first",
        description: 'Tiers come from the tiers rule file in force now. Paged: pass `nextCursor` back as `cursor`.',
        tags: ['history'],
        access: 'checkout',
        params: USER_PARAMS,
        query: PAGE_QUERY,
        responses: { 200: { description: 'one page', schema: REFERRAL_HISTORY_RESPONSE }, 400: { description: 'bad parameter or cursor', schema: PROBLEM, contentType: 'application/problem+json' } },
      },
      async (req, res) => {
        const query = req.query as unknown as PageQuery;
        const page = await history.page(String(req.params.userId), query.limit, decodeCursor(query.cursor));
        const { current, next, successfulReferrals } = page.progress;
        res.json({
          userId: page.userId,
          code: page.code,
          tier: current,
          successfulReferrals,
          nextTier: next,
          referrals: page.referrals,
          nextCursor: page.next ? encodeCursor(page.next) : null,
        });
      },
    );
  };
}
