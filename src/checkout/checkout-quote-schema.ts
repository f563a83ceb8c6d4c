import type { FraudSignals } from '../engine/purchase-input.ts';
import { USER_ID } from '../referrals/referral-code-schemas.ts';

/**
 * Money is integer minor units. The bounds keep every sum the engine forms
 * below 2^53 (subtotal ≤ 100 items × 10^10 × 1,000 = 10^15), so amounts stay
 * exact as JSON numbers and in the engine's number-valued facts.
 */
const MINOR_UNITS = { type: 'integer', minimum: 0, maximum: 10_000_000_000, description: 'Integer minor units (cents; yen for JPY).' } as const;
const TEXT = { type: 'string', minLength: 1, maxLength: 128 } as const;

export const QUOTE_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'currency', 'items'],
  properties: {
    userId: USER_ID,
    currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code.' },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['sku', 'category', 'unitPrice', 'quantity'],
        properties: { sku: TEXT, category: TEXT, unitPrice: MINOR_UNITS, quantity: { type: 'integer', minimum: 1, maximum: 1000 } },
      },
    },
    discounts: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'kind', 'amount'],
        properties: { code: TEXT, kind: TEXT, amount: MINOR_UNITS },
      },
    },
    // As typed: a code that matches nothing is no referral (and the explanation says so), not a failed checkout.
    referralCode: { type: 'string', minLength: 1, maxLength: 200, description: 'The code typed at checkout, any case.' },
    visitorId: { type: 'string', minLength: 1, maxLength: 200, description: 'The `rvid` cookie the share link set.' },
    at: { type: 'string', format: 'date-time', description: 'When the order is placed; decides the rule versions. Defaults to now.' },
    signals: {
      type: 'object',
      additionalProperties: false,
      properties: {
        email: { type: 'string', minLength: 3, maxLength: 320 },
        deviceFingerprint: { type: 'string', minLength: 1, maxLength: 200 },
        paymentFingerprint: { type: 'string', minLength: 1, maxLength: 200 },
      },
    },
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
