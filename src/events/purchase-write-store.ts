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
 * with the inbox status (the write_purchases function, whose data-modifying
 * CTEs run once each against one snapshot; foreign keys between them are
 * checked at the end of the statement, when all rows exist). One round trip
 * whatever the batch size: per-event statements, not any one of them, were the
 * event pipeline's cost.
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
    // The statement lives in the write_purchases function (migration 20261125000200): its plan is cached per connection.
    await db.raw('SELECT write_purchases(?::jsonb)', [JSON.stringify(doc)]);
  }
}
