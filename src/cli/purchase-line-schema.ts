/**
 * JSON Schema (draft 2020-12) of one line of a simulate/diff events file: a
 * PurchaseInput (src/engine/purchase-input.ts) plus an optional "id" label.
 * Unknown properties are refused so a typo such as "occuredAt" is reported
 * instead of silently changing the result. Amounts are integer minor units.
 */
import { CART_ITEMS, CURRENCY_CODE, FRAUD_SIGNALS, SHOP_DISCOUNTS } from '../validation/cart-schemas.ts';

const dateTime = { type: 'string', format: 'date-time' } as const;
const text = { type: 'string', minLength: 1, maxLength: 200 } as const;
const signals = FRAUD_SIGNALS;

const order = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'occurredAt', 'currency', 'items', 'discounts'],
  properties: {
    orderId: text,
    userId: text,
    occurredAt: dateTime,
    currency: CURRENCY_CODE,
    items: CART_ITEMS,
    discounts: SHOP_DISCOUNTS,
    signals,
  },
} as const;

const context = {
  type: 'object',
  additionalProperties: false,
  required: ['referral', 'referee', 'referrer'],
  properties: {
    referral: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['referrerId', 'source'],
      properties: {
        referrerId: text,
        source: { enum: ['code', 'link'] },
        code: text,
        clickedAt: dateTime,
        boundAt: dateTime,
        referrerSignals: signals,
      },
    },
    referee: {
      type: 'object',
      additionalProperties: false,
      required: ['priorOrderCount'],
      properties: {
        priorOrderCount: { type: 'integer', minimum: 0 },
        firstOrderAt: { type: ['string', 'null'], format: 'date-time' },
      },
    },
    referrer: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['successfulReferrals'],
      properties: { successfulReferrals: { type: 'integer', minimum: 0 } },
    },
    campaignSpent: {
      type: 'object',
      additionalProperties: { type: 'object', additionalProperties: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } },
    },
  },
} as const;

export const PURCHASE_LINE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['order', 'context'],
  properties: { id: text, order, context },
} as const;
