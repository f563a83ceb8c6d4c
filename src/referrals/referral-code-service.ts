import { CodeGenerationExhaustedError, ReferralCodeNotFoundError, ReferralCodeTakenError } from './referral-errors.ts';
import { canonicalCode, generateReferralCode } from './referral-code-generator.ts';
import type { ReferralCode, ReferralCodeStore } from './referral-code-store.ts';

/** How many fresh codes to try before giving up; with 31^8 codes a second try is already rare. */
const MAX_ATTEMPTS = 8;

export interface CodeOutcome {
  code: ReferralCode;
  /** False when the user already had it (the API answers 200 instead of 201). */
  created: boolean;
}

/** Referral codes: one generated code per user, vanity codes, lookups and link clicks. */
export class ReferralCodeService {
  constructor(
    private readonly store: ReferralCodeStore,
    private readonly generate: () => string = generateReferralCode,
  ) {}

  /**
   * The user's generated code, created on first call. Safe under concurrency:
   * the insert skips on either unique constraint, and a skip is followed by a
   * read, which then sees the winner's row.
   */
  async getOrCreate(userId: string): Promise<CodeOutcome> {
    const existing = await this.store.findGeneratedByUser(userId);
    if (existing) return { code: existing, created: false };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const inserted = await this.store.insertGenerated(this.generate(), userId);
      if (inserted) return { code: inserted, created: true };
      const winner = await this.store.findGeneratedByUser(userId);
      if (winner) return { code: winner, created: false };
      // Otherwise the random code collided with another user's: draw again.
    }
    throw new CodeGenerationExhaustedError(MAX_ATTEMPTS);
  }

  /** Claims a chosen code for the user; the same user claiming it again gets it back. */
  async claimVanity(userId: string, requested: string): Promise<CodeOutcome> {
    const code = canonicalCode(requested);
    const inserted = await this.store.insertVanity(code, userId);
    if (inserted) return { code: inserted, created: true };
    const holder = await this.store.findByCode(code);
    if (holder && holder.userId === userId) return { code: holder, created: false };
    throw new ReferralCodeTakenError(code);
  }

  /** @throws ReferralCodeNotFoundError */
  async get(code: string): Promise<ReferralCode> {
    const found = await this.store.findByCode(canonicalCode(code));
    if (!found) throw new ReferralCodeNotFoundError(code);
    return found;
  }

  async findForUser(userId: string): Promise<ReferralCode | undefined> {
    return this.store.findForUser(userId);
  }

  /** Records the click when the code is active; returns the canonical code it was recorded for. */
  async recordClick(code: string, visitorId: string, at: Date = new Date()): Promise<string | undefined> {
    const canonical = canonicalCode(code);
    return (await this.store.insertClick(canonical, visitorId, at)) ? canonical : undefined;
  }
}
