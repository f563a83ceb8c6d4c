import { DomainError } from '../domain-error.ts';

/** The order's currency is not an ISO 4217 currency we can price. */
export class UnknownCurrencyError extends DomainError {
  constructor(currency: string) {
    super(`unknown currency "${currency}": use an ISO 4217 code such as USD, EUR or JPY`, 'unknown-currency');
  }
}
