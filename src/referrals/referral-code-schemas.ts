/** JSON Schemas of the referral-code routes: ajv validates with them and /openapi.json publishes them. */
/** The shop's own user ids, as the purchase events carry them. */
export const USER_ID = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const CODE_PARAM = { type: 'string', pattern: '^[A-Za-z0-9]{4,32}$' } as const;

export const CREATE_CODE_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['userId'],
  properties: {
    userId: USER_ID,
    code: { ...CODE_PARAM, description: 'A vanity code (admin scope only); stored upper-case.' },
  },
} as const;

export const CODE_PARAMS = {
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: { code: CODE_PARAM },
} as const;

export const CODE_RESPONSE = {
  type: 'object',
  required: ['code', 'userId', 'link', 'qrCodeUrl', 'createdAt'],
  properties: {
    code: { type: 'string' },
    userId: { type: 'string' },
    link: { type: 'string', format: 'uri' },
    qrCodeUrl: { type: 'string', format: 'uri' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const CODE_LOOKUP_RESPONSE = {
  type: 'object',
  required: ['code', 'userId', 'active', 'vanity', 'link', 'createdAt'],
  properties: {
    code: { type: 'string' },
    userId: { type: 'string', description: 'The owner: the referrer this code attributes to.' },
    active: { type: 'boolean' },
    vanity: { type: 'boolean' },
    link: { type: 'string', format: 'uri' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const PROBLEM = { type: 'object', required: ['type', 'title', 'status', 'detail'] } as const;
