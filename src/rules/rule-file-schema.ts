import { EFFECT_CATALOG, EFFECT_TYPES, MONEY_MAP_SCHEMA, POLICIES } from './effect-catalog.ts';
import { FACT_NAMES, FACT_PATHS, OPERATORS } from './fact-catalog.ts';

/** Hard bounds that keep a rule file cheap to load and to evaluate. */
export const RULE_FILE_LIMITS = {
  maxBytes: 256 * 1024,
  maxConditionDepth: 6,
  maxRules: 100,
  maxConditionsPerGroup: 50,
} as const;

const scalar = { type: ['string', 'number', 'boolean'] } as const;

const effectParamRules = EFFECT_TYPES.map((type) => ({
  if: { properties: { type: { const: type } }, required: ['type'] },
  then: { properties: { params: EFFECT_CATALOG[type].params } },
}));

/**
 * JSON Schema (draft 2020-12) of a rule file. Checks that need more than one
 * value at a time (fact/path pairs, operator/value types, contradictions,
 * versions across files) live in rule-semantics.ts.
 */
export const RULE_FILE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://referral-engine.local/schemas/rule-file.json',
  title: 'Referral program rule file',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'policy', 'version', 'effectiveFrom', 'description', 'rules'],
  properties: {
    $schema: { type: 'string' },
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,63}$' },
    policy: { enum: [...POLICIES] },
    version: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    effectiveFrom: { type: 'string', format: 'date-time' },
    effectiveUntil: { type: 'string', format: 'date-time' },
    description: { type: 'string', minLength: 1, maxLength: 2000 },
    settings: {
      type: 'object',
      additionalProperties: false,
      required: ['attributionWindowDays', 'holdDays'],
      properties: {
        attributionWindowDays: { type: 'integer', minimum: 0, maximum: 365 },
        holdDays: { type: 'integer', minimum: 0, maximum: 365 },
      },
    },
    campaign: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'window'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200 },
        window: {
          type: 'object',
          additionalProperties: false,
          required: ['start', 'end', 'timeZone'],
          properties: {
            start: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$' },
            end: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$' },
            timeZone: { type: 'string', minLength: 1, maxLength: 64 },
          },
        },
        budget: MONEY_MAP_SCHEMA,
      },
    },
    rules: {
      type: 'array',
      minItems: 1,
      maxItems: RULE_FILE_LIMITS.maxRules,
      items: { $ref: '#/$defs/rule' },
    },
  },
  allOf: [
    {
      if: { properties: { policy: { const: 'referral' } }, required: ['policy'] },
      then: { required: ['settings'] },
      else: { not: { required: ['settings'] } },
    },
    {
      if: { properties: { policy: { const: 'campaign' } }, required: ['policy'] },
      then: { required: ['campaign'] },
      else: { not: { required: ['campaign'] } },
    },
  ],
  $defs: {
    rule: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'conditions', 'event'],
      properties: {
        name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
        description: { type: 'string', maxLength: 2000 },
        priority: { type: 'integer', minimum: 1, maximum: 100 },
        conditions: { $ref: '#/$defs/condition' },
        event: {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'params'],
          properties: { type: { enum: [...EFFECT_TYPES] }, params: { type: 'object' } },
          allOf: effectParamRules,
        },
      },
    },
    condition: {
      type: 'object',
      additionalProperties: false,
      properties: {
        all: { type: 'array', maxItems: RULE_FILE_LIMITS.maxConditionsPerGroup, items: { $ref: '#/$defs/condition' } },
        any: { type: 'array', maxItems: RULE_FILE_LIMITS.maxConditionsPerGroup, items: { $ref: '#/$defs/condition' } },
        not: { $ref: '#/$defs/condition' },
        fact: { enum: [...FACT_NAMES] },
        path: { enum: [...FACT_PATHS] },
        operator: { enum: [...OPERATORS] },
        value: { anyOf: [scalar, { type: 'array', maxItems: 100, items: scalar }] },
      },
    },
  },
} as const;
