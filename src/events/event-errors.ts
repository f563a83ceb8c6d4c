import { DomainError } from '../domain-error.ts';

/** An event no retry can fix (a refund naming an item the order never had). Recorded as failed with this message. */
export class InvalidEventError extends DomainError {
  constructor(message: string) {
    super(message, 'invalid-event');
  }
}

/** PostgreSQL unique_violation: the database's verdict that this effect already happened. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
