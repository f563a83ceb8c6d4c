import type { Knex } from 'knex';

/**
 * The whole first schema. Never edit once landed: add a new migration instead
 * (expand/contract for breaking changes). Money is bigint minor units.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('referral_codes', (t) => {
    // Stored upper-case; looked up with upper(input), so codes are case-insensitive.
    t.text('code').primary();
    t.text('user_id').notNullable();
    t.boolean('is_vanity').notNullable().defaultTo(false);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("code ~ '^[A-Z0-9]{4,32}$'", [], 'referral_codes_code_format');
    t.index(['user_id']);
  });
  // One generated code per user: "same user, same code" holds under concurrency.
  await knex.raw('CREATE UNIQUE INDEX referral_codes_one_generated_per_user ON referral_codes (user_id) WHERE NOT is_vanity');

  await knex.schema.createTable('link_clicks', (t) => {
    t.bigIncrements('id').primary();
    t.text('code').notNullable().references('code').inTable('referral_codes');
    t.text('visitor_id').notNullable();
    t.timestamp('clicked_at', { useTz: true }).notNullable();
    t.index(['visitor_id', 'clicked_at']);
    t.index(['code', 'clicked_at']);
  });

  await knex.schema.createTable('referrals', (t) => {
    // A referee is bound to at most one referrer, once.
    t.text('referee_id').primary();
    t.text('referrer_id').notNullable();
    t.text('code').notNullable();
    t.text('source').notNullable();
    t.bigInteger('click_id').nullable().references('id').inTable('link_clicks');
    t.timestamp('clicked_at', { useTz: true }).nullable();
    t.timestamp('bound_at', { useTz: true }).notNullable();
    t.text('first_order_id').notNullable();
    // pending: first order in its hold; successful: first order confirmed; void: refunded/cancelled in the hold.
    t.text('status').notNullable().defaultTo('pending');
    t.timestamp('successful_at', { useTz: true }).nullable();
    t.check("source IN ('code', 'link')", [], 'referrals_source');
    t.check("status IN ('pending', 'successful', 'void')", [], 'referrals_status');
    t.check('referee_id <> referrer_id', [], 'referrals_not_self');
    t.index(['referrer_id', 'bound_at']);
    t.index(['referrer_id', 'successful_at']);
  });

  await knex.schema.createTable('user_signals', (t) => {
    // Fraud signals seen on a user's own orders (normalized email, device, payment fingerprints).
    t.text('user_id').notNullable();
    t.text('kind').notNullable();
    t.text('value').notNullable();
    t.timestamp('first_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'kind', 'value']);
    t.check("kind IN ('email', 'device', 'payment')", [], 'user_signals_kind');
    t.index(['kind', 'value']);
  });

  await knex.schema.createTable('purchase_events', (t) => {
    // The inbox: every event is stored here before the API answers 202.
    t.text('id').primary();
    t.text('type').notNullable();
    t.text('order_id').notNullable();
    t.jsonb('payload').notNullable();
    t.text('payload_hash').notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // accepted → processed | failed; deferred: waiting for its purchase (out-of-order refund/cancel).
    t.text('status').notNullable().defaultTo('accepted');
    t.text('failure_reason').nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.check("type IN ('purchase.completed', 'purchase.refunded', 'purchase.cancelled')", [], 'purchase_events_type');
    t.check("status IN ('accepted', 'processed', 'failed', 'deferred')", [], 'purchase_events_status');
    t.index(['order_id']);
    t.index(['status', 'received_at']);
  });

  await knex.schema.createTable('event_processing', (t) => {
    // One row per processed event, written in the same transaction as its ledger
    // entries: the primary key turns any second delivery into a no-op.
    t.text('event_id').primary().references('id').inTable('purchase_events');
    t.timestamp('processed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.jsonb('outcome').notNullable();
  });

  await knex.schema.createTable('orders', (t) => {
    // Order history the facts need: prior orders, first order time, amounts for refunds.
    t.text('order_id').primary();
    t.text('user_id').notNullable();
    t.text('event_id').notNullable().references('id').inTable('purchase_events');
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.text('currency').notNullable();
    t.bigInteger('subtotal').notNullable();
    t.bigInteger('eligible_net').notNullable().defaultTo(0);
    t.bigInteger('refunded').notNullable().defaultTo(0);
    t.text('status').notNullable().defaultTo('completed');
    t.text('referrer_id').nullable();
    t.boolean('is_first_order').notNullable().defaultTo(false);
    t.jsonb('result').nullable();
    t.check("status IN ('completed', 'partially_refunded', 'refunded', 'cancelled')", [], 'orders_status');
    t.check('subtotal >= 0 AND refunded >= 0 AND eligible_net >= 0', [], 'orders_amounts');
    t.index(['user_id', 'occurred_at']);
    t.index(['referrer_id', 'occurred_at']);
  });

  await knex.schema.createTable('rewards', (t) => {
    // One row per reward granted; immutable. Its status is derived from reward_entries.
    t.bigIncrements('id').primary();
    t.text('order_id').notNullable().references('order_id').inTable('orders');
    t.text('beneficiary_id').notNullable();
    t.text('role').notNullable();
    t.text('kind').notNullable();
    t.text('currency').notNullable();
    // '' when no campaign: part of the unique key, and NULLs are never equal.
    t.text('campaign_id').notNullable().defaultTo('');
    t.bigInteger('amount').notNullable();
    t.text('rounding').notNullable();
    t.timestamp('granted_at', { useTz: true }).notNullable();
    t.timestamp('hold_until', { useTz: true }).notNullable();
    t.text('event_id').notNullable().references('id').inTable('purchase_events');
    t.jsonb('rule_files').notNullable();
    t.jsonb('rules_fired').notNullable();
    t.jsonb('explanation').notNullable();
    t.check('amount > 0', [], 'rewards_amount_positive');
    t.unique(['order_id', 'beneficiary_id', 'role', 'kind', 'campaign_id'], { indexName: 'rewards_one_per_order_beneficiary_role_kind' });
    t.index(['beneficiary_id', 'granted_at', 'id']);
    t.index(['hold_until']);
  });

  await knex.schema.createTable('reward_entries', (t) => {
    // The append-only ledger. Every entry moves an amount between buckets:
    // grant (none → pending), confirm (pending → confirmed), reverse (pending or
    // confirmed → reversed). A bucket's balance is what flows in minus what flows out.
    t.bigIncrements('id').primary();
    t.bigInteger('reward_id').notNullable().references('id').inTable('rewards');
    t.text('beneficiary_id').notNullable();
    t.text('currency').notNullable();
    t.text('kind').notNullable();
    t.text('entry_type').notNullable();
    t.text('from_bucket').nullable();
    t.text('to_bucket').notNullable();
    t.bigInteger('amount').notNullable();
    // The event that caused it (refund, cancel); null for scheduled confirmations.
    t.text('event_id').nullable().references('id').inTable('purchase_events');
    t.text('note').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("entry_type IN ('grant', 'confirm', 'reverse')", [], 'reward_entries_type');
    t.check("from_bucket IS NULL OR from_bucket IN ('pending', 'confirmed')", [], 'reward_entries_from');
    t.check("to_bucket IN ('pending', 'confirmed', 'reversed')", [], 'reward_entries_to');
    t.check('amount >= 0', [], 'reward_entries_amount');
    t.index(['beneficiary_id', 'created_at', 'id']);
    t.index(['reward_id']);
  });
  await knex.raw("CREATE UNIQUE INDEX reward_entries_one_grant ON reward_entries (reward_id) WHERE entry_type = 'grant'");
  await knex.raw("CREATE UNIQUE INDEX reward_entries_one_confirm ON reward_entries (reward_id) WHERE entry_type = 'confirm'");
  await knex.raw("CREATE UNIQUE INDEX reward_entries_one_reversal_per_event ON reward_entries (reward_id, event_id) WHERE entry_type = 'reverse'");

  await knex.schema.createTable('campaign_budgets', (t) => {
    // Spent is reserved under a row lock in the same transaction as the rewards.
    t.text('campaign_id').notNullable();
    t.text('currency').notNullable();
    t.bigInteger('budget').notNullable();
    t.bigInteger('spent').notNullable().defaultTo(0);
    t.primary(['campaign_id', 'currency']);
    t.check('spent >= 0 AND spent <= budget', [], 'campaign_budgets_within');
  });

  await knex.schema.createTable('rule_set_versions', (t) => {
    t.bigIncrements('id').primary();
    t.text('file').notNullable();
    t.text('rule_id').notNullable();
    t.text('policy').notNullable();
    t.integer('version').notNullable();
    t.text('hash').notNullable();
    t.jsonb('content').notNullable();
    t.timestamp('loaded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['rule_id', 'version', 'hash']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['rule_set_versions', 'campaign_budgets', 'reward_entries', 'rewards', 'orders', 'event_processing', 'purchase_events', 'user_signals', 'referrals', 'link_clicks', 'referral_codes']) {
    await knex.schema.dropTableIfExists(table);
  }
}
