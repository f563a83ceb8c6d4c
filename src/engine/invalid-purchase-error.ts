import { DomainError } from '../domain-error.ts';

/** A purchase the engine cannot evaluate as given; no retry can fix it. */
export class InvalidPurchaseError extends DomainError {
  constructor(message: string) {
    super(message, 'invalid-request');
  }
}
