import type { Knex } from 'knex';

/**
 * The purchase context (PurchaseContextLoader) as one PL/pgSQL function.
 *
 * Why a function: the context was six sequential queries; as one statement it
 * is one round trip, but that statement took ~1.8 ms to plan and ~0.6 ms to
 * run, and planning dominated a quote's database time. PL/pgSQL caches the
 * plans of its statements per connection (a generic plan after five calls),
 * so a call costs ~0.4 ms including the round trip. Works inside the event
 * worker's transaction like any query. The function decides nothing: the
 * candidate order (bound referral, else the active code entered, else the
 * visitor's latest click on an active code before the order, of any age) is
 * the loader's documented lookup, and the engine applies every window.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE OR REPLACE FUNCTION purchase_context(p_user text, p_at timestamptz, p_code text, p_visitor text, p_order_id text, p_signals jsonb)
RETURNS TABLE (kind text, referrer_id text, code text, source text, clicked_at timestamptz, bound_at timestamptz,
               prior_count bigint, first_order_at timestamptz, successful bigint, signals json, budgets json)
LANGUAGE plpgsql STABLE AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH bound AS (
    SELECT 'bound'::text AS kind, r.referrer_id, r.code, r.source, r.clicked_at, r.bound_at, 1 AS rank
    FROM referrals r WHERE r.referee_id = p_user
  ), coded AS (
    SELECT 'code'::text, rc.user_id, rc.code, 'code'::text, NULL::timestamptz, NULL::timestamptz, 2
    FROM referral_codes rc WHERE rc.code = p_code AND rc.active
  ), clicked AS (
    SELECT 'link'::text, r.user_id, c.code, 'link'::text, c.clicked_at, NULL::timestamptz, 3
    FROM link_clicks c JOIN referral_codes r ON r.code = c.code
    WHERE c.visitor_id = p_visitor AND c.clicked_at <= p_at AND r.active
    ORDER BY c.clicked_at DESC, c.id DESC LIMIT 1
  ), candidate AS (
    SELECT * FROM (SELECT * FROM bound UNION ALL SELECT * FROM coded UNION ALL SELECT * FROM clicked) any_candidate ORDER BY 7 LIMIT 1
  )
  SELECT c.kind, c.referrer_id, c.code, c.source, c.clicked_at, c.bound_at,
    h.prior_count, h.first_order_at,
    (SELECT count(*) FROM referrals s WHERE s.referrer_id = c.referrer_id AND s.status = 'successful' AND s.successful_at <= p_at),
    (SELECT json_agg(json_build_object('kind', g.kind, 'value', g.value)) FROM user_signals g
       WHERE g.user_id = c.referrer_id AND (g.kind, g.value) IN (SELECT w->>'kind', w->>'value' FROM jsonb_array_elements(p_signals) w)),
    (SELECT json_agg(json_build_object('campaign_id', b.campaign_id, 'currency', b.currency, 'spent', b.spent)) FROM campaign_budgets b)
  FROM (SELECT count(*) AS prior_count, min(o.occurred_at) AS first_order_at FROM orders o
        WHERE o.user_id = p_user AND o.occurred_at < p_at AND (p_order_id IS NULL OR o.order_id <> p_order_id)) h
  LEFT JOIN candidate c ON true;
END
$fn$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS purchase_context(text, timestamptz, text, text, text, jsonb)');
}
