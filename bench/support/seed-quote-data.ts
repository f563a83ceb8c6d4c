import type { Knex } from 'knex';

/** Sizes of the checkout data set; users `u1…u{users}` own a code each. */
export const QUOTE_DATA = {
  codes: 120_000,
  /** Users u1…u{historyUsers} have 1–8 past orders each. */
  historyUsers: 150_000,
  clicks: 200_000,
  /** Referees bound to a referrer: u200001…u{200000 + boundReferees}. */
  boundReferees: 40_000,
} as const;

/**
 * Generated in PostgreSQL with generate_series, not through the API: codes,
 * link clicks, bound referrals (a third successful), order history and the
 * referrers' fraud signals. FK triggers are off during the load
 * (session_replication_role = replica) because orders point at inbox events
 * the bench does not generate; no checkout query reads those.
 */
export async function seedQuoteData(knex: Knex): Promise<void> {
  const { codes, historyUsers, clicks, boundReferees } = QUOTE_DATA;
  await knex.transaction(async (tx) => {
    await tx.raw('SET LOCAL session_replication_role = replica');
    await tx.raw(`INSERT INTO referral_codes (code, user_id, created_at)
      SELECT 'R' || lpad(i::text, 7, '0'), 'u' || i, timestamptz '2026-01-01' + (i % 300) * interval '1 day' FROM generate_series(1, ${codes}) i`);
    await tx.raw(`INSERT INTO link_clicks (code, visitor_id, clicked_at)
      SELECT 'R' || lpad((1 + (i::bigint * 7919) % ${codes})::text, 7, '0'), 'v' || (i % ${clicks / 2}), timestamptz '2026-06-01' + (i % 170) * interval '1 day' + (i % 86400) * interval '1 second'
      FROM generate_series(1, ${clicks}) i`);
    await tx.raw(`INSERT INTO referrals (referee_id, referrer_id, code, source, bound_at, first_order_id, status, successful_at)
      SELECT 'u' || (200000 + i), 'u' || r, 'R' || lpad(r::text, 7, '0'), CASE WHEN i % 2 = 0 THEN 'code' ELSE 'link' END,
             timestamptz '2026-02-01' + (i % 200) * interval '1 day', 'o-ref-' || i,
             CASE WHEN i % 3 = 0 THEN 'successful' ELSE 'pending' END,
             CASE WHEN i % 3 = 0 THEN timestamptz '2026-02-16' + (i % 200) * interval '1 day' END
      FROM generate_series(1, ${boundReferees}) i, LATERAL (SELECT 1 + (i::bigint * 104729) % 2000 AS r) pick`);
    await tx.raw(`INSERT INTO orders (order_id, user_id, event_id, occurred_at, currency, subtotal, eligible_net, status, is_first_order)
      SELECT 'o-' || u || '-' || n, 'u' || u, 'seed-' || u || '-' || n, timestamptz '2026-01-05' + ((u * 13 + n * 37) % 300) * interval '1 day',
             'USD', 1000 + (u * n) % 20000, 1000, 'completed', n = 1
      FROM generate_series(1, ${historyUsers}) u, generate_series(1, 1 + u % 8) n`);
    // Referees bound above have their first order too.
    await tx.raw(`INSERT INTO orders (order_id, user_id, event_id, occurred_at, currency, subtotal, eligible_net, status, is_first_order, referrer_id)
      SELECT first_order_id, referee_id, 'seed-' || first_order_id, bound_at, 'USD', 5000, 5000, 'completed', true, referrer_id FROM referrals`);
    await tx.raw(`INSERT INTO user_signals (user_id, kind, value)
      SELECT 'u' || i, 'email', 'user' || i || '@example.com' FROM generate_series(1, ${codes}) i
      UNION ALL SELECT 'u' || i, 'device', 'dev-' || i FROM generate_series(1, ${codes}, 3) i`);
  });
  await knex.raw('ANALYZE');
}
