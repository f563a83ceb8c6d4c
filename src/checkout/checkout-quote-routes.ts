import type { RouteModule } from '../api/app.ts';
import { rewardResultToJson, toNumber } from '../engine/result-json.ts';
import { PROBLEM } from '../referrals/referral-code-schemas.ts';
import type { CheckoutQuoteService } from './checkout-quote-service.ts';
import { QUOTE_BODY, QUOTE_RESPONSE, type QuoteRequest } from './checkout-quote-schema.ts';

const problem = (description: string) => ({ description, schema: PROBLEM, contentType: 'application/problem+json' });

/** POST /v1/checkout/quote: what the program gives this cart. Writes nothing. */
export function checkoutQuoteRoutes(quotes: CheckoutQuoteService): RouteModule {
  return (api) => {
    api.route(
      {
        method: 'post',
        path: '/v1/checkout/quote',
        summary: 'Quote a cart: referee discount, referrer cashback, total, rule versions and explanation',
        description: 'Writes nothing. The purchase event for the same cart and history later yields the same result.',
        tags: ['checkout'],
        access: 'checkout',
        body: QUOTE_BODY,
        example: {
          userId: 'friend-42',
          currency: 'USD',
          items: [{ sku: 'SKU-1', category: 'shoes', unitPrice: 12000, quantity: 1 }],
          discounts: [{ code: 'WELCOME10', kind: 'coupon', amount: 1000 }],
          referralCode: 'K7MX2QPA',
        },
        responses: {
          200: { description: 'the quote', schema: QUOTE_RESPONSE },
          400: problem('invalid body or unknown currency'),
          413: problem('body over the limit'),
          422: problem('no rule set in force at `at`'),
        },
      },
      async (req, res) => {
        const { result, referrerCashback } = await quotes.quote(req.body as QuoteRequest);
        res.json({ ...rewardResultToJson(result), referrerCashback: toNumber(referrerCashback) });
      },
    );
  };
}
