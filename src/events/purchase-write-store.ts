import type { Knex } from 'knex';
import type { RewardLine } from '../engine/reward-result.ts';
import { signalRows } from '../referrals/purchase-context-loader.ts';
import type { FraudSignals } from '../engine/purchase-input.ts';

/** One purchase's rows, computed before anything is written. */
export interface PurchaseRows {
  eventId: string;
  order: {
    orderId: string;
    userId: string;
    occurredAt: Date;
    currency: string;
    subtotal: bigint;
    eligibleNet: bigint;
    referrerId: string | null;
    isFirstOrder: boolean;
    /** The evaluation as JSON (orders.result): what the order history and refunds read back. */
    result: unknown;
  };
  /** The referee's first-order binding, when this purchase makes one (first binding wins). */
  binding?: { referrerId: string; code: string; source: 'code' | 'link'; clickedAt?: string };
  signals: FraudSignals | undefined;
  rewards: readonly RewardLine[];
  holdUntil: Date;
  /** Stored with each reward: what a marketer or auditor reads to see why it was granted. */
  audit: { ruleFiles: unknown; rulesFired: unknown; explanation: unknown };
}

/**
 * Writes what purchases did, every table in ONE statement: orders, referral
 * bindings, signals, rewards with their grant entries, and the processed marks
 * with the inbox status. One round trip whatever the batch size: per-event
 * statements, not any one of them, were the event pipeline's cost.
 *
 * The processed mark's primary key is the exactly-once guard; it is written in
 * the same statement (and transaction) as the effects, so a second delivery
 * fails here and rolls everything back. Each mark records the rewards granted
 * (their ids in line order: ids are drawn in VALUES order, one nextval per row)
 * and whether the binding was made or an earlier one kept.
 */
export class PurchaseWriteStore {
  async write(purchases: readonly PurchaseRows[], db: Knex.Transaction): Promise<void> {
    if (purchases.length === 0) return;
    // One JSON parameter: a binding per column and row cost more to build and send than the insert.
    const doc = {
      orders: purchases.map(({ eventId, order }) => ({
        order_id: order.orderId,
        user_id: order.userId,
        event_id: eventId,
        occurred_at: order.occurredAt.toISOString(),
        currency: order.currency,
        subtotal: order.subtotal.toString(),
        eligible_net: order.eligibleNet.toString(),
        referrer_id: order.referrerId,
        is_first_order: order.isFirstOrder,
        result: order.result,
      })),
      bindings: purchases.flatMap(({ order, binding }) =>
        binding
          ? [
              {
                referee_id: order.userId,
                referrer_id: binding.referrerId,
                code: binding.code,
                source: binding.source,
                clicked_at: binding.clickedAt ?? null,
                bound_at: order.occurredAt.toISOString(),
                first_order_id: order.orderId,
              },
            ]
          : [],
      ),
      signals: purchases.flatMap(({ order, signals }) => signalRows(signals).map((row) => ({ user_id: order.userId, ...row }))),
      rewards: purchases.flatMap(({ eventId, order, rewards, holdUntil, audit }) =>
        rewards.map((line) => ({
          order_id: order.orderId,
          beneficiary_id: line.beneficiaryId,
          role: line.role,
          kind: line.kind,
          currency: line.currency,
          campaign_id: line.campaignId ?? '',
          amount: line.amount.toString(),
          rounding: line.rounding,
          granted_at: order.occurredAt.toISOString(),
          hold_until: holdUntil.toISOString(),
          event_id: eventId,
          rule_files: audit.ruleFiles,
          rules_fired: audit.rulesFired,
          explanation: audit.explanation,
        })),
      ),
      marks: purchases.map(({ eventId, order, binding }) => ({ event_id: eventId, user_id: order.userId, binds: binding !== undefined, is_first_order: order.isFirstOrder })),
    };
    await db.raw(WRITE_PURCHASES, [JSON.stringify(doc)]);
  }
}

// Data-modifying CTEs run once each, against one snapshot; foreign keys between them (rewards →
// orders, entries → rewards) are checked at the end of the statement, when all rows exist.
const WRITE_PURCHASES = `
WITH doc AS (SELECT ?::jsonb AS d),
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
UPDATE purchase_events e SET status = 'processed', failure_reason = NULL FROM marked WHERE e.id = marked.event_id`;
