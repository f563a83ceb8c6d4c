import type { FraudSignals } from '../engine/purchase-input.ts';
import { USER_ID } from '../referrals/referral-code-schemas.ts';
import { CART_ITEMS, CURRENCY_CODE, FRAUD_SIGNALS, SHOP_DISCOUNTS } from '../validation/cart-schemas.ts';

/** The checkout quote's body; the cart parts are shared with purchase events and the CLI. */
export const QUOTE_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'currency', 'items'],
  properties: {
    userId: USER_ID,
    currency: CURRENCY_CODE,
    items: CART_ITEMS,
    discounts: SHOP_DISCOUNTS,
    // As typed: a code that matches nothing is no referral (and the explanation says so), not a failed checkout.
    referralCode: { type: 'string', minLength: 1, maxLength: 200, description: 'The code typed at checkout, any case.' },
    visitorId: { type: 'string', minLength: 1, maxLength: 200, description: 'The `rvid` cookie the share link set.' },
    at: { type: 'string', format: 'date-time', description: 'When the order is placed; decides the rule versions. Defaults to now.' },
    signals: FRAUD_SIGNALS,
  },
} as const;

export interface QuoteRequest {
  userId: string;
  currency: string;
  items: Array<{ sku: string; category: string; unitPrice: number; quantity: number }>;
  discounts?: Array<{ code: string; kind: string; amount: number }>;
  referralCode?: string;
  visitorId?: string;
  at?: string;
  signals?: FraudSignals;
}

const AMOUNT = { type: 'integer' } as const;

export const QUOTE_RESPONSE = {
  type: 'object',
  required: ['currency', 'subtotal', 'refereeDiscount', 'referrerCashback', 'total', 'ruleFiles', 'explanation'],
  properties: {
    occurredAt: { type: 'string', format: 'date-time' },
    currency: { type: 'string' },
    subtotal: AMOUNT,
    eligibleSubtotal: AMOUNT,
    shopDiscountTotal: AMOUNT,
    refereeDiscount: { ...AMOUNT, description: 'The referee discount after stacking.' },
    total: { ...AMOUNT, description: 'subtotal − shop discounts − referee discount.' },
    referrerCashback: { ...AMOUNT, description: 'Cashback (with campaign boosts) the referrer would earn, in the order currency.' },
    referral: { type: 'object' },
    tier: { type: 'object' },
    holdDays: { type: 'integer' },
    rewards: { type: 'array', items: { type: 'object' } },
    campaignSpend: { type: 'array', items: { type: 'object' } },
    rulesFired: { type: 'array', items: { type: 'object' } },
    ruleFiles: { type: 'array', items: { type: 'object' }, description: 'The rule versions used (file, id, version, hash).' },
    explanation: { type: 'array', items: { type: 'object', properties: { step: { type: 'string' }, message: { type: 'string' } } } },
  },
} as const;
