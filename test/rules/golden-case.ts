import type { PurchaseInput } from '../../src/engine/purchase-input.ts';
import type { RewardKind } from '../../src/engine/reward-result.ts';
import { createAjv } from '../../src/validation/create-ajv.ts';

/** What a golden case expects; every field is optional, and only what is given is checked. */
export interface GoldenExpectation {
  /** Referee discount after stacking, in minor units of the order currency. */
  refereeDiscount?: number;
  /** Every reward the order earns, in any order; [] means none. Amounts in minor units (points for PTS). */
  rewards?: Array<{ kind: RewardKind; amount: number; currency: string }>;
  /** The fraud reason recorded; null means the rewards were not blocked. */
  blockedReason?: string | null;
  /** The referrer's tier name; null means no tier applied (no cashback was computed). */
  tier?: string | null;
  /** Texts that must each appear in some line of the explanation. */
  explanationIncludes?: string[];
}

export interface GoldenCase {
  name: string;
  input: PurchaseInput;
  expect: GoldenExpectation;
}

const minorUnits = { type: 'integer', minimum: 0 } as const;

/**
 * The shape of a golden file. Strict on purpose: a misspelt "expect" key would
 * otherwise be ignored and the case would pass without checking anything.
 */
export const GOLDEN_FILE_SCHEMA = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'input', 'expect'],
    properties: {
      name: { type: 'string', minLength: 1 },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['order', 'context'],
        properties: { order: { type: 'object' }, context: { type: 'object' } },
      },
      expect: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          refereeDiscount: minorUnits,
          rewards: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['kind', 'amount', 'currency'],
              properties: {
                kind: { enum: ['cashback', 'campaign-cashback', 'bonus-points'] },
                amount: minorUnits,
                currency: { type: 'string', pattern: '^[A-Z]{3}$' },
              },
            },
          },
          blockedReason: { type: ['string', 'null'] },
          tier: { type: ['string', 'null'] },
          explanationIncludes: { type: 'array', items: { type: 'string', minLength: 1 } },
        },
      },
    },
  },
} as const;

const validate = createAjv().compile(GOLDEN_FILE_SCHEMA);

/** Parses a golden file, or throws with every problem and where it is. */
export function parseGoldenFile(file: string, text: string): GoldenCase[] {
  const value: unknown = JSON.parse(text);
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map((error) => `${file}#${error.instancePath}: ${error.message ?? 'is invalid'}${error.params && 'additionalProperty' in error.params ? ` ("${String(error.params.additionalProperty)}")` : ''}`);
    throw new Error(`golden file is malformed:\n${problems.join('\n')}`);
  }
  const cases = value as GoldenCase[];
  const names = new Set<string>();
  for (const { name } of cases) {
    if (names.has(name)) throw new Error(`${file}: two cases are named "${name}"; names must be unique`);
    names.add(name);
  }
  return cases;
}
