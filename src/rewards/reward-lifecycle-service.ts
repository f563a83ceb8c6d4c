import type { Knex } from 'knex';
import type { ReferralStatusStore } from './referral-status-store.ts';
import type { RewardLedgerStore } from './reward-ledger-store.ts';

const BATCH = 1000;

/** Time-driven transitions of the ledger: rewards leave pending when their hold ends. */
export class RewardLifecycleService {
  constructor(
    private readonly knex: Knex,
    private readonly ledger: RewardLedgerStore,
    private readonly referrals: ReferralStatusStore,
  ) {}

  /**
   * Confirms every reward whose hold ended by `now` (what is still pending
   * moves to confirmed), and marks referrals whose first order passed its hold
   * successful. Safe to run concurrently and repeatedly: the one-confirm-per-reward
   * index and SKIP LOCKED make a second run a no-op.
   */
  async confirmDue(now: Date): Promise<{ confirmed: number; successfulReferrals: number }> {
    let confirmed = 0;
    for (;;) {
      const count = await this.knex.transaction((tx) => this.ledger.confirmDue(now, BATCH, tx));
      confirmed += count;
      if (count < BATCH) break;
    }
    const successfulReferrals = await this.referrals.markSuccessful(now, this.knex);
    return { confirmed, successfulReferrals };
  }
}
