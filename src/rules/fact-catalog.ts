/**
 * The facts a rule's conditions may read, with the type of each path. This one
 * table feeds the JSON Schema (enums), the semantic checks (operator/value
 * types), "did you mean" hints and rules/README.md. Facts are computed by the
 * service before a run (src/engine/purchase-facts.ts); rules never fetch data.
 */
export type FactValueType = 'integer' | 'number' | 'boolean' | 'string' | 'string[]';

export interface FactPathSpec {
  readonly type: FactValueType;
  readonly description: string;
  /** Allowed values for string paths, when the set is closed. */
  readonly values?: readonly string[];
}

export const FACT_CATALOG = {
  order: {
    currency: { type: 'string', description: 'ISO 4217 code of the order, e.g. "USD"' },
    subtotal: { type: 'integer', description: 'sum of unitPrice × quantity of all items, in minor units' },
    shopDiscountTotal: { type: 'integer', description: "sum of the shop's own discounts on the order, in minor units" },
    itemCount: { type: 'integer', description: 'total quantity of items' },
    categories: { type: 'string[]', description: 'distinct item categories in the order' },
    discountKinds: { type: 'string[]', description: 'kinds of the shop discounts on the order, e.g. "coupon", "flash-sale"' },
    discountCodes: { type: 'string[]', description: 'codes of the shop discounts on the order' },
  },
  referral: {
    present: { type: 'boolean', description: 'the order carries a referral (code entered, or an attributed link click)' },
    source: { type: 'string', values: ['code', 'link', 'none'], description: 'how the referral was made' },
    clickAgeDays: { type: 'integer', description: 'whole days since the attributed link click (0 when source is not "link")' },
  },
  referee: {
    isFirstOrder: { type: 'boolean', description: "this is the referee's first order" },
    priorOrderCount: { type: 'integer', description: 'orders the referee placed before this one' },
    daysSinceFirstOrder: { type: 'integer', description: "whole days since the referee's first order (0 on the first order)" },
  },
  referrer: {
    successfulReferrals: {
      type: 'integer',
      description: "referees whose first order passed the hold without refund or cancel, at the time of this order",
    },
  },
  fraud: {
    sameUser: { type: 'boolean', description: 'referrer and referee are the same user' },
    sameEmail: { type: 'boolean', description: 'normalized emails match (case, Gmail dots and +tags folded)' },
    sameDevice: { type: 'boolean', description: 'the device fingerprints match' },
    samePayment: { type: 'boolean', description: 'the payment fingerprints match' },
  },
} as const satisfies Record<string, Record<string, FactPathSpec>>;

export type FactName = keyof typeof FACT_CATALOG;

export const FACT_NAMES = Object.keys(FACT_CATALOG) as FactName[];

/** Every allowed `path`, written as json-rules-engine documents them: "$.name". */
export const FACT_PATHS: readonly string[] = [
  ...new Set(FACT_NAMES.flatMap((fact) => Object.keys(FACT_CATALOG[fact]).map((path) => `$.${path}`))),
].sort();

export function factPathSpec(fact: string, path: string): FactPathSpec | undefined {
  const paths = (FACT_CATALOG as Record<string, Record<string, FactPathSpec>>)[fact];
  if (!paths || !path.startsWith('$.')) return undefined;
  const key = path.slice(2);
  return Object.hasOwn(paths, key) ? paths[key] : undefined;
}

export function pathsOfFact(fact: string): string[] {
  const paths = (FACT_CATALOG as Record<string, Record<string, FactPathSpec>>)[fact];
  return paths ? Object.keys(paths).map((path) => `$.${path}`) : [];
}

export const OPERATORS = [
  'equal',
  'notEqual',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
] as const;

export type OperatorName = (typeof OPERATORS)[number];

export const NUMERIC_OPERATORS: ReadonlySet<string> = new Set([
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
]);
