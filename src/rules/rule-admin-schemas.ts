/** JSON Schemas and the example of the admin rule routes: one definition for validation and /openapi.json. */
export const TIERS_EXAMPLE = {
  id: 'tiers',
  policy: 'tiers',
  version: 2,
  effectiveFrom: '2027-01-01T00:00:00Z',
  description: 'Referrer tiers by successful referrals.',
  rules: [
    {
      name: 'bronze',
      conditions: { all: [{ fact: 'referrer', path: '$.successfulReferrals', operator: 'greaterThanInclusive', value: 0 }] },
      event: { type: 'tier', params: { tier: 'bronze', cashbackPercent: 1 } },
    },
  ],
};

export const VALIDATE_BODY = {
  type: 'object',
  description:
    'Either `{ "file": "tiers-v2.json", "content": { …rule file… } }` (content may also be the file\'s text) or the rule file\'s JSON itself. The file name only labels the messages.',
} as const;

export const LOADED_FILE = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    policy: { type: 'string' },
    version: { type: 'integer' },
    hash: { type: 'string', description: 'sha256 of the file, hex' },
    file: { type: 'string' },
    effectiveFrom: { type: 'string', format: 'date-time' },
    effectiveUntil: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const LOADED_SET = {
  type: 'object',
  properties: {
    hash: { type: 'string', description: 'sha256 over the files: one value for the set as a whole' },
    loadedAt: { type: ['string', 'null'], format: 'date-time' },
    files: { type: 'array', items: LOADED_FILE },
  },
} as const;

export const ISSUE = {
  type: 'object',
  properties: { file: { type: 'string' }, pointer: { type: 'string', description: 'JSON pointer into the file' }, message: { type: 'string' } },
} as const;

export const VERSIONS_RESPONSE = {
  type: 'object',
  properties: {
    loaded: LOADED_SET,
    history: {
      type: 'array',
      items: { type: 'object', properties: { file: { type: 'string' }, ruleId: { type: 'string' }, policy: { type: 'string' }, version: { type: 'integer' }, hash: { type: 'string' }, loadedAt: { type: 'string', format: 'date-time' } } },
    },
  },
} as const;

export const VALIDATE_RESPONSE = {
  type: 'object',
  properties: {
    valid: { type: 'boolean' },
    issues: { type: 'array', items: ISSUE },
    withLoadedSet: {
      type: 'object',
      description: 'For a valid file: would it load next to the set in use (as a replacement of `replaces`, else as an addition)?',
      properties: { valid: { type: 'boolean' }, replaces: { type: ['string', 'null'] }, issues: { type: 'array', items: ISSUE } },
    },
  },
} as const;

export const RELOAD_RESPONSE = { ...LOADED_SET, properties: { ...LOADED_SET.properties, previousHash: { type: ['string', 'null'] }, changed: { type: 'boolean' } } } as const;

export const RULE_SET_INVALID = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { file: { type: 'string' }, pointer: { type: 'string' }, detail: { type: 'string' } } } },
  },
} as const;
