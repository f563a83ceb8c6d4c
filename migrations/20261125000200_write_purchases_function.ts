import type { Knex } from 'knex';

/**
 * What a batch of purchases writes, as one PL/pgSQL function, `write_purchases(doc)`.
 *
 * Why a function: the statement (data-modifying CTEs over orders, referral bindings, signals,
 * rewards, grant entries, processed marks and inbox status) took 1.8-5 ms to plan per batch of 32
 * and ~6 ms to run; PL/pgSQL caches its plan per connection, so a call costs the run. Found with
 * the PostgreSQL log (log_min_duration_statement) over `npm run bench -- --only pipeline`: the write
 * was ~60% of the database's time per event.
 *
 * And lz4 for orders.result where the server has it: the evaluation stored with each order is
 * ~2.4 KB of JSON, just over the TOAST threshold, and pglz compression doubled the insert's cost
 * (2.4 -> 1.25 ms per 32 orders with lz4, EXPLAIN ANALYZE). The embedded database (PGlite) is built
 * without lz4 and keeps the default.
 *
 * The doc is built by PurchaseWriteStore; the exactly-once guard is unchanged: the processed mark's
 * primary key, written in the same statement and transaction as the effects.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE OR REPLACE FUNCTION write_purchases(p_doc jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
WITH doc AS (SELECT p_doc AS d),
orders_in AS (
  INSERT INTO orders (order_id, user_id, event_id, occurred_at, currency, subtotal, eligible_net, referrer_id, is_first_order, result)
  SELECT t.* FROM doc, jsonb_to_recordset(doc.d->'orders') AS t(order_id text, user_id text, event_id text, occurred_at timestamptz,
    currency text, subtotal bigint, eligible_net bigint, referrer_id text, is_first_order boolean, result jsonb)
),
bound AS (
  INSERT INTO referrals (referee_id, referrer_id, code, source, clicked_at, bound_at, first_order_id)
  SELECT t.* FROM doc, jsonb_to_recordset(doc.d->'bindings') AS t(referee_id text, referrer_id text, code text, source text,
    clicked_at timestamptz, bound_at timestamptz, first_order_id text)
  ON CONFLICT (referee_id) DO NOTHING
  RETURNING referee_id
),
signals_in AS (
  INSERT INTO user_signals (user_id, kind, value)
  SELECT t.* FROM doc, jsonb_to_recordset(doc.d->'signals') AS t(user_id text, kind text, value text)
  ON CONFLICT (user_id, kind, value) DO NOTHING
),
granted AS (
  INSERT INTO rewards (order_id, beneficiary_id, role, kind, currency, campaign_id, amount, rounding, granted_at, hold_until, event_id, rule_files, rules_fired, explanation)
  SELECT t.* FROM doc, jsonb_to_recordset(doc.d->'rewards') AS t(order_id text, beneficiary_id text, role text, kind text, currency text,
    campaign_id text, amount bigint, rounding text, granted_at timestamptz, hold_until timestamptz, event_id text, rule_files jsonb,
    rules_fired jsonb, explanation jsonb)
  RETURNING id, beneficiary_id, currency, kind, amount, event_id
),
entries AS (
  INSERT INTO reward_entries (reward_id, beneficiary_id, currency, kind, entry_type, from_bucket, to_bucket, amount, event_id)
  SELECT id, beneficiary_id, currency, kind, 'grant', NULL, 'pending', amount, event_id FROM granted
),
marked AS (
  INSERT INTO event_processing (event_id, outcome)
  SELECT t.event_id, jsonb_build_object(
      'kind', 'purchase',
      'rewardIds', COALESCE((SELECT jsonb_agg(g.id::text ORDER BY g.id) FROM granted g WHERE g.event_id = t.event_id), '[]'::jsonb),
      'referralBound', t.binds AND EXISTS (SELECT 1 FROM bound b WHERE b.referee_id = t.user_id),
      'isFirstOrder', t.is_first_order)
  FROM doc, jsonb_to_recordset(doc.d->'marks') AS t(event_id text, user_id text, binds boolean, is_first_order boolean)
  RETURNING event_id
)
UPDATE purchase_events e SET status = 'processed', failure_reason = NULL FROM marked WHERE e.id = marked.event_id;
END
$fn$`);
  const { rows } = await knex.raw<{ rows: Array<{ lz4: boolean }> }>("SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'");
  if (rows[0]?.lz4) await knex.raw('ALTER TABLE orders ALTER COLUMN result SET COMPRESSION lz4');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS write_purchases(jsonb)');
  const { rows } = await knex.raw<{ rows: Array<{ lz4: boolean }> }>("SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'");
  if (rows[0]?.lz4) await knex.raw('ALTER TABLE orders ALTER COLUMN result SET COMPRESSION pglz');
}
