/**
 * The effects a rule's `event` may declare. json-rules-engine decides which
 * rules fire; the reward calculator (src/engine/reward-calculator.ts) turns the
 * fired effects into money. Each entry is a JSON Schema for the event's
 * `params`, the policies that may use it, and the text for rules/README.md.
 */
const percent = { type: 'number', minimum: 0, maximum: 100 } as const;
const reason = { type: 'string', minLength: 3, maxLength: 200 } as const;

/** Amounts per currency in major units, as text so no float touches money: { "USD": "20.00", "JPY": "3000" }. */
export const MONEY_MAP_SCHEMA = {
  type: 'object',
  minProperties: 1,
  maxProperties: 200,
  propertyNames: { pattern: '^[A-Z]{3}$' },
  additionalProperties: { type: 'string', pattern: '^\\d{1,15}(\\.\\d{1,6})?$' },
} as const;

export const EFFECT_CATALOG = {
  'referee-discount': {
    policies: ['referral', 'campaign'],
    description:
      'Percent off the eligible subtotal of the order for the referee, when the eligible subtotal reaches the minimum for the order currency; capped per currency. A currency with no minimum gets no discount.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['percent', 'minEligibleSubtotal', 'maxDiscount'],
      properties: { percent, minEligibleSubtotal: MONEY_MAP_SCHEMA, maxDiscount: MONEY_MAP_SCHEMA },
    },
  },
  'referrer-cashback': {
    policies: ['referral'],
    description:
      "Cashback for the referrer on the eligible net amount (eligible subtotal minus all discounts), at the referrer's tier rate.",
    params: { type: 'object', additionalProperties: false, properties: {} },
  },
  tier: {
    policies: ['tiers'],
    description:
      'A referrer tier and its cashback rate. When several tier rules fire, the best rate applies, so write each tier as "successfulReferrals at least N".',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['tier', 'cashbackPercent'],
      properties: { tier: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' }, cashbackPercent: percent },
    },
  },
  'cashback-multiplier': {
    policies: ['campaign'],
    description: "Multiplies the referrer's cashback (2 = double). The extra over the normal cashback counts against the campaign budget.",
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['factor'],
      properties: { factor: { type: 'number', minimum: 1, maximum: 10 } },
    },
  },
  'bonus-points': {
    policies: ['campaign', 'referral'],
    description: 'Bonus points for the referrer, granted with the order and confirmed when the referral becomes successful.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['points'],
      properties: { points: { type: 'integer', minimum: 1, maximum: 1_000_000 } },
    },
  },
  'max-total-discount': {
    policies: ['stacking'],
    description:
      "Caps all discounts on the order (the shop's and the referral's) at a percent of the subtotal. The referral discount shrinks to fit; the shop's never does.",
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['percentOfSubtotal'],
      properties: { percentOfSubtotal: percent },
    },
  },
  'block-referral-discount': {
    policies: ['stacking'],
    description: 'No referee discount on this order (cashback is unaffected); the reason is shown to support.',
    params: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason } },
  },
  'exclude-categories': {
    policies: ['stacking'],
    description: 'Items in these categories are not eligible: not discounted and earn no cashback.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['categories'],
      properties: {
        categories: {
          type: 'array',
          minItems: 1,
          maxItems: 100,
          uniqueItems: true,
          items: { type: 'string', minLength: 1, maxLength: 64 },
        },
      },
    },
  },
  'block-rewards': {
    policies: ['fraud'],
    description: 'No referral reward at all on this order (no discount, cashback or points), and no referral is bound; the reason is recorded.',
    params: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason } },
  },
} as const;

export type EffectType = keyof typeof EFFECT_CATALOG;

export const EFFECT_TYPES = Object.keys(EFFECT_CATALOG) as EffectType[];

export const POLICIES = ['referral', 'tiers', 'stacking', 'fraud', 'campaign'] as const;
export type PolicyName = (typeof POLICIES)[number];

/** Policies that must be in force for a purchase to be evaluated at all. */
export const REQUIRED_POLICIES: readonly PolicyName[] = ['referral', 'tiers', 'stacking', 'fraud'];
