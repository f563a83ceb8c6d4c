import type { Knex } from 'knex';

/**
 * Indexes for the history pages at scale (found with EXPLAIN ANALYZE over
 * 10,000,000 generated ledger rows, `npm run bench -- --only history`).
 *
 * - Balances sum a beneficiary's whole ledger: for a referrer with ~35,000
 *   entries that was a bitmap heap scan over ~15,000 heap pages (~120 ms).
 *   Covering the grouped and summed columns makes it an index-only scan.
 * - Successful referrals are counted per referrer (history page, tier in the
 *   purchase context): the old (referrer_id, successful_at) index could not
 *   filter on status, so every referral's heap row was read. The partial index
 *   holds only successful ones and replaces it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX reward_entries_balance ON reward_entries (beneficiary_id, kind, currency) INCLUDE (from_bucket, to_bucket, amount)');
  await knex.raw("CREATE INDEX referrals_successful_by_referrer ON referrals (referrer_id, successful_at) WHERE status = 'successful'");
  await knex.raw('DROP INDEX IF EXISTS referrals_referrer_id_successful_at_index');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX IF NOT EXISTS referrals_referrer_id_successful_at_index ON referrals (referrer_id, successful_at)');
  await knex.raw('DROP INDEX IF EXISTS referrals_successful_by_referrer');
  await knex.raw('DROP INDEX IF EXISTS reward_entries_balance');
}
