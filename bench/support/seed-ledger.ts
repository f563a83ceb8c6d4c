import type { Knex } from 'knex';

/**
 * The ledger at scale, generated in PostgreSQL: `referees` referees with two
 * orders each, two rewards per order (cashback and points for the referrer),
 * and per reward a grant entry, a confirm for 40% and a reversal for 10%:
 * 4,000,000 rewards + 6,000,000 reward_entries at the defaults.
 * A quarter of the referees belong to `heavyReferrers` heavy referrers
 * (5,000 referees and 20,000 rewards each); the rest spread over
 * `referrers` ordinary ones (about five referees each).
 */
export const LEDGER_DATA = { referees: 1_000_000, heavyReferrers: 50, referrers: 150_000 } as const;

export function referrerOf(referee: number): string {
  return referee % 4 === 0 ? `hr${(referee / 4) % LEDGER_DATA.heavyReferrers}` : `r${(referee * 7919) % LEDGER_DATA.referrers}`;
}

const REFERRER_SQL = `CASE WHEN n % 4 = 0 THEN 'hr' || ((n / 4) % ${LEDGER_DATA.heavyReferrers}) ELSE 'r' || ((n::bigint * 7919) % ${LEDGER_DATA.referrers}) END`;

export async function seedLedger(knex: Knex): Promise<{ rewards: number; entries: number }> {
  const { referees } = LEDGER_DATA;
  // FK triggers off for the load: rows point at inbox events the bench does not generate (no history query reads them).
  const inLoad = (sql: string) => knex.transaction(async (tx) => {
    await tx.raw('SET LOCAL session_replication_role = replica');
    await tx.raw(sql);
  });
  // Two loads at a time (2 cores): referrals and orders beside rewards, then the entries.
  await Promise.all([
    (async () => {
      await inLoad(`INSERT INTO referrals (referee_id, referrer_id, code, source, bound_at, first_order_id, status, successful_at)
        SELECT 'e' || n, ${REFERRER_SQL}, 'CODE' || (n % 1000), CASE WHEN n % 2 = 0 THEN 'code' ELSE 'link' END,
               timestamptz '2025-01-01' + (n % 600) * interval '1 day' + (n % 86400) * interval '1 second', 'o' || n || '-1',
               CASE WHEN abs(hashint4(n)) % 5 = 0 THEN 'void' WHEN abs(hashint4(n)) % 5 < 3 THEN 'successful' ELSE 'pending' END,
               CASE WHEN abs(hashint4(n)) % 5 IN (1, 2) THEN timestamptz '2025-01-16' + (n % 600) * interval '1 day' END
        FROM generate_series(1, ${referees}) n`);
      await inLoad(`INSERT INTO orders (order_id, user_id, event_id, occurred_at, currency, subtotal, eligible_net, status, referrer_id, is_first_order)
        SELECT 'o' || n || '-' || k, 'e' || n, 'ev' || n || '-' || k, timestamptz '2025-01-01' + (n % 600 + k * 20) * interval '1 day' + (n % 86400) * interval '1 second',
               'USD', 2000 + n % 30000, 2000, CASE WHEN n % 10 = 0 THEN 'refunded' ELSE 'completed' END, ${REFERRER_SQL}, k = 1
        FROM generate_series(1, ${referees}) n, generate_series(1, 2) k`);
    })(),
    inLoad(`INSERT INTO rewards (id, order_id, beneficiary_id, role, kind, currency, amount, rounding, granted_at, hold_until, event_id, rule_files, rules_fired, explanation)
      SELECT (n - 1) * 4 + (k - 1) * 2 + j, 'o' || n || '-' || k, ${REFERRER_SQL}, 'referrer', CASE WHEN j = 1 THEN 'cashback' ELSE 'points' END,
             CASE WHEN j = 1 THEN 'USD' ELSE 'PTS' END, 10 + n % 500, 'floor',
             timestamptz '2025-01-01' + (n % 600 + k * 20) * interval '1 day' + (n % 86400) * interval '1 second',
             timestamptz '2025-01-16' + (n % 600 + k * 20) * interval '1 day', 'ev' || n || '-' || k, '[]', '[]', '[]'
      FROM generate_series(1, ${referees}) n, generate_series(1, 2) k, generate_series(1, 2) j`),
  ]);
  await knex.raw(`SELECT setval(pg_get_serial_sequence('rewards', 'id'), (SELECT max(id) FROM rewards))`);
  // Grants, then confirms for 40%, reversals for 10% (of the confirmed half of those).
  await inLoad(`INSERT INTO reward_entries (reward_id, beneficiary_id, currency, kind, entry_type, from_bucket, to_bucket, amount, created_at)
    SELECT r.id, r.beneficiary_id, r.currency, r.kind, e.entry_type, e.from_bucket, e.to_bucket, r.amount, r.granted_at + e.after
    FROM rewards r
    CROSS JOIN LATERAL (VALUES ('grant', NULL, 'pending', interval '0'), ('confirm', 'pending', 'confirmed', interval '15 days'), ('reverse', 'confirmed', 'reversed', interval '20 days')) e(entry_type, from_bucket, to_bucket, after)
    WHERE e.entry_type = 'grant' OR (e.entry_type = 'confirm' AND abs(hashint8(r.id)) % 5 < 2) OR (e.entry_type = 'reverse' AND abs(hashint8(r.id)) % 10 = 0)`);
  // What autovacuum would have done by now: statistics, and the visibility map index-only scans need.
  await knex.raw('VACUUM ANALYZE');
  const count = async (table: string) => Number((await knex(table).first(knex.raw('count(*)::bigint AS c'))).c);
  return { rewards: await count('rewards'), entries: await count('reward_entries') };
}
