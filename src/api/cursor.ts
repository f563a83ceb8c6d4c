import { HttpProblem } from './problem.ts';

/** A position in a newest-first list: the row's time (as PostgreSQL printed it, full precision) and id. */
export interface CursorPosition {
  time: string;
  id: string;
}

/** Opaque to clients: base64url of [time, id]. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.time, position.id])).toString('base64url');
}

/** @throws HttpProblem 400 for anything encodeCursor did not produce. */
export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && !Number.isNaN(Date.parse(value[0]))) {
      return { time: value[0], id: value[1] };
    }
  } catch {
    // fall through
  }
  throw new HttpProblem(400, 'invalid-cursor', 'Invalid cursor', 'the cursor is not one this API returned; start again without it', {
    errors: [{ pointer: '/query/cursor', detail: 'is not a cursor from a previous page' }],
  });
}

/** Query parameters shared by paged lists. */
export const PAGE_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Page size.' },
    cursor: { type: 'string', maxLength: 512, description: '`nextCursor` from the previous page.' },
  },
} as const;

export interface PageQuery {
  limit: number;
  cursor?: string;
}
