/**
 * The cart as every entry point accepts it (the checkout quote, purchase
 * events, the CLI's purchase files): one definition, so the limits agree.
 * Money is integer minor units; the bounds keep every sum the engine forms
 * below 2^53 (≤ 100 items × 10^10 × 1,000 = 10^15), so amounts stay exact as
 * JSON numbers and in the engine's number-valued facts.
 */
export const MINOR_UNITS = { type: 'integer', minimum: 0, maximum: 10_000_000_000, description: 'Integer minor units (cents; yen for JPY).' } as const;

const TEXT = { type: 'string', minLength: 1, maxLength: 128 } as const;

export const CART_ITEMS = {
  type: 'array',
  minItems: 1,
  maxItems: 100,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['sku', 'category', 'unitPrice', 'quantity'],
    properties: { sku: TEXT, category: TEXT, unitPrice: MINOR_UNITS, quantity: { type: 'integer', minimum: 1, maximum: 1000 } },
  },
} as const;

export const SHOP_DISCOUNTS = {
  type: 'array',
  maxItems: 20,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['code', 'kind', 'amount'],
    properties: { code: TEXT, kind: TEXT, amount: MINOR_UNITS },
  },
} as const;

export const FRAUD_SIGNALS = {
  type: 'object',
  additionalProperties: false,
  properties: {
    email: { type: 'string', minLength: 3, maxLength: 320 },
    deviceFingerprint: { type: 'string', minLength: 1, maxLength: 200 },
    paymentFingerprint: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

export const CURRENCY_CODE = { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code.' } as const;
