import type { RouteModule } from '../api/app.ts';
import { scopeOf } from '../api/auth.ts';
import { HttpProblem } from '../api/problem.ts';
import type { ApiKey } from '../config.ts';
import type { ReferralCodeService } from './referral-code-service.ts';
import type { ReferralCode } from './referral-code-store.ts';
import { CODE_LOOKUP_RESPONSE, CODE_PARAMS, CODE_RESPONSE, CREATE_CODE_BODY, PROBLEM } from './referral-code-schemas.ts';
import type { ShareLinks } from './share-links.ts';

/** POST /v1/referral-codes and GET /v1/referral-codes/:code. */
export function referralCodeRoutes(codes: ReferralCodeService, links: ShareLinks, keys: readonly ApiKey[]): RouteModule {
  const view = (code: ReferralCode) => ({
    code: code.code,
    userId: code.userId,
    link: links.link(code.code),
    qrCodeUrl: links.qrCodeUrl(code.code),
    createdAt: code.createdAt.toISOString(),
  });

  return (api) => {
    api.route(
      {
        method: 'post',
        path: '/v1/referral-codes',
        summary: "The user's referral code, created on first call",
        description: 'Same user, same code: 201 when created, 200 afterwards. A vanity `code` needs an admin key; one held by another user → 409.',
        tags: ['referral codes'],
        access: 'checkout',
        body: CREATE_CODE_BODY,
        example: { userId: 'u1' },
        responses: {
          200: { description: 'the code the user already had', schema: CODE_RESPONSE },
          201: { description: 'created', schema: CODE_RESPONSE },
          400: { description: 'invalid body', schema: PROBLEM, contentType: 'application/problem+json' },
          403: { description: 'a vanity code without an admin key', schema: PROBLEM, contentType: 'application/problem+json' },
          409: { description: 'the vanity code is taken', schema: PROBLEM, contentType: 'application/problem+json' },
        },
      },
      async (req, res) => {
        const body = req.body as { userId: string; code?: string };
        if (body.code !== undefined && scopeOf({ authorization: req.header('authorization'), apiKey: req.header('x-api-key') }, keys) !== 'admin') {
          throw new HttpProblem(403, 'forbidden', 'Forbidden', 'choosing a vanity code needs an admin key');
        }
        const outcome = body.code === undefined ? await codes.getOrCreate(body.userId) : await codes.claimVanity(body.userId, body.code);
        res.status(outcome.created ? 201 : 200).json(view(outcome.code));
      },
    );

    api.route(
      {
        method: 'get',
        path: '/v1/referral-codes/:code',
        summary: 'A referral code: its owner and whether it is active',
        description: 'Codes are case-insensitive.',
        tags: ['referral codes'],
        access: 'checkout',
        params: CODE_PARAMS,
        responses: {
          200: { description: 'the code', schema: CODE_LOOKUP_RESPONSE },
          404: { description: 'no such code', schema: PROBLEM, contentType: 'application/problem+json' },
        },
      },
      async (req, res) => {
        const code = await codes.get(String(req.params.code));
        res.json({ code: code.code, userId: code.userId, active: code.active, vanity: code.isVanity, link: links.link(code.code), createdAt: code.createdAt.toISOString() });
      },
    );
  };
}
