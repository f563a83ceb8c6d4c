import type { Knex } from 'knex';
import { evaluatePurchaseFast } from '../engine/evaluate-purchase.ts';
import type { PurchaseInput } from '../engine/purchase-input.ts';
import { rewardResultToJson } from '../engine/result-json.ts';
import type { RewardResult } from '../engine/reward-result.ts';
import { POINTS } from '../money/currency.ts';
import type { PurchaseContextLoader } from '../referrals/purchase-context-loader.ts';
import type { RuleRegistry } from '../rules/rule-registry.ts';
import type { RewardLedgerStore } from '../rewards/reward-ledger-store.ts';
import type { CampaignBudgetStore } from './campaign-budget-store.ts';
import { InvalidEventError } from './event-errors.ts';
import type { EventProcessingStore } from './event-processing-store.ts';
import type { OrderStore } from './order-store.ts';
import type { PurchaseCompletedEvent } from './purchase-event-schema.ts';
import type { Metrics } from '../observability/metrics.ts';

const DAY_MS = 86_400_000;

export type ProcessResult = 'processed' | 'deferred' | 'already-processed';

/**
 * Applies one purchase.completed: evaluates it with the rules in force at its
 * occurredAt and writes the order, the referral binding, the signals, the
 * rewards with their grant entries, the campaign spend and the processed mark
 * in ONE transaction. Anything that went wrong before COMMIT left no trace.
 */
export class PurchaseProcessor {
  constructor(
    private readonly knex: Knex,
    private readonly rules: RuleRegistry,
    private readonly contexts: PurchaseContextLoader,
    private readonly orders: OrderStore,
    private readonly budgets: CampaignBudgetStore,
    private readonly ledger: RewardLedgerStore,
    private readonly processing: EventProcessingStore,
    private readonly metrics?: Metrics,
  ) {}

  /** @throws NoRuleSetInForceError, InvalidEventError (no retry helps); anything else is worth a retry. */
  async process(event: PurchaseCompletedEvent): Promise<ProcessResult> {
    const ruleSet = this.rules.get();
    // Throws NoRuleSetInForceError before any I/O when no rules cover the date.
    const selected = ruleSet.select(Date.parse(event.occurredAt));
    let granted: RewardResult['rewards'] = [];
    const outcome = await this.knex.transaction(async (tx): Promise<ProcessResult> => {
      await this.orders.lockKeys([`user:${event.userId}`, `order:${event.orderId}`], tx);
      if (await this.processing.isProcessed(event.id, tx)) return 'already-processed';
      const existing = await this.orders.find(event.orderId, tx);
      if (existing) throw new InvalidEventError(`order ${event.orderId} was already reported by event ${existing.eventId}`);

      const context = await this.contexts.load(
        { userId: event.userId, occurredAt: event.occurredAt, referralCode: event.referralCode, visitorId: event.visitorId, signals: event.signals, orderId: event.orderId },
        selected.settings,
        tx,
      );
      // The spend the calculator caps against must be the locked one, not the loader's unlocked read.
      context.campaignSpent = { ...context.campaignSpent, ...(await this.budgets.lock(selected, [event.currency, POINTS], tx)) };
      const input: PurchaseInput = { order: orderOf(event), context };
      const result = evaluatePurchaseFast(ruleSet, input);

      const occurredAt = new Date(event.occurredAt);
      const isFirstOrder = context.referee.priorOrderCount === 0;
      const honoured = result.referral.present && !result.referral.blockedReason;
      await this.orders.insert(
        {
          orderId: event.orderId,
          userId: event.userId,
          eventId: event.id,
          occurredAt,
          currency: event.currency,
          subtotal: result.subtotal,
          total: result.total,
          eligibleNet: eligibleNet(result),
          referrerId: honoured ? result.referral.referrerId! : null,
          isFirstOrder,
          holdDays: result.holdDays,
          result: rewardResultToJson(result),
        },
        tx,
      );
      let referralBound = false;
      if (honoured && isFirstOrder && context.referral && !context.referral.boundAt) {
        referralBound = await this.orders.bindReferral(
          {
            refereeId: event.userId,
            referrerId: context.referral.referrerId,
            code: context.referral.code ?? '',
            source: context.referral.source,
            ...(context.referral.clickedAt ? { clickedAt: context.referral.clickedAt } : {}),
            boundAt: occurredAt,
            firstOrderId: event.orderId,
          },
          tx,
        );
      }
      await this.orders.recordSignals(event.userId, event.signals, tx);
      const rewardIds = await this.ledger.grant(
        result.rewards.map((line) => ({
          orderId: event.orderId,
          eventId: event.id,
          line,
          grantedAt: occurredAt,
          holdUntil: new Date(occurredAt.getTime() + result.holdDays * DAY_MS),
          ruleFiles: result.ruleFiles,
          rulesFired: result.rulesFired,
          explanation: result.explanation,
        })),
        tx,
      );
      await this.budgets.add(result.campaignSpend, selected, tx);
      await this.processing.markProcessed(event.id, { kind: 'purchase', rewardIds: rewardIds.map(String), referralBound, isFirstOrder }, tx);
      granted = result.rewards;
      return 'processed';
    });
    // Counted once committed: a rolled-back attempt granted nothing.
    for (const line of granted) this.metrics?.rewardGranted(line.kind, line.currency, line.amount);
    return outcome;
  }
}

function orderOf(event: PurchaseCompletedEvent): PurchaseInput['order'] {
  return {
    orderId: event.orderId,
    userId: event.userId,
    occurredAt: event.occurredAt,
    currency: event.currency,
    items: event.items,
    discounts: event.discounts,
    ...(event.signals ? { signals: event.signals } : {}),
  };
}

/** The cashback base: eligible subtotal after every discount, never below zero. */
function eligibleNet(result: RewardResult): bigint {
  const net = result.eligibleSubtotal - result.shopDiscountTotal - result.refereeDiscount;
  return net > 0n ? net : 0n;
}
