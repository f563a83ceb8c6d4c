import { DomainError } from '../domain-error.ts';

/** No referral code by that name (codes are case-insensitive). */
export class ReferralCodeNotFoundError extends DomainError {
  constructor(code: string) {
    super(`no referral code "${code}"`, 'not-found');
  }
}

/** A vanity code already belongs to someone else. */
export class ReferralCodeTakenError extends DomainError {
  constructor(code: string) {
    super(`the referral code "${code}" is already taken`, 'code-taken');
  }
}

/** Generation kept colliding: the code space is nearly full or something is wrong. */
export class CodeGenerationExhaustedError extends DomainError {
  constructor(attempts: number) {
    super(`could not generate a free referral code in ${attempts} attempts`, 'unavailable');
  }
}
