import type { Knex } from 'knex';
import type { ReferralStatusStore } from '../rewards/referral-status-store.ts';
import type { RewardLedgerStore } from '../rewards/reward-ledger-store.ts';
import { planReversals, refundedItemsValue, refundedOfTotal, type RefundTally } from '../rewards/reversal-plan.ts';
import { InvalidEventError } from './event-errors.ts';
import type { EventInboxStore } from './event-inbox-store.ts';
import type { EventProcessingStore } from './event-processing-store.ts';
import type { OrderStore } from './order-store.ts';
import type { PurchaseCancelledEvent, PurchaseRefundedEvent } from './purchase-event-schema.ts';
import type { ProcessResult } from './purchase-processor.ts';

const DAY_MS = 86_400_000;

/**
 * Applies a refund or a cancellation: appends reversing entries in proportion
 * to what was refunded (never editing a row), and voids the referral when its
 * first order is refunded or cancelled during the hold. An event for an order
 * not seen yet is parked as 'deferred' and applied once the purchase lands.
 */
export class RefundProcessor {
  constructor(
    private readonly knex: Knex,
    private readonly orders: OrderStore,
    private readonly ledger: RewardLedgerStore,
    private readonly referrals: ReferralStatusStore,
    private readonly processing: EventProcessingStore,
    private readonly inbox: EventInboxStore,
  ) {}

  async process(event: PurchaseRefundedEvent | PurchaseCancelledEvent): Promise<ProcessResult> {
    return this.knex.transaction(async (tx) => {
      // Same key as the purchase takes: either the purchase committed before we look, or it
      // waits until our 'deferred' mark is committed and then finds us.
      await this.orders.lockKey(`order:${event.orderId}`, tx);
      if (await this.processing.isProcessed(event.id, tx)) return 'already-processed';
      const order = await this.orders.find(event.orderId, tx, true);
      if (!order) {
        await this.inbox.setStatus(event.id, 'deferred', null, tx);
        return 'deferred';
      }
      const before = await this.processing.refundTally(event.orderId, tx);
      const thisEvent = this.tallyOf(event, order.items);
      const tally: RefundTally = { amount: before.amount + thisEvent.amount, itemsValue: before.itemsValue + thisEvent.itemsValue, full: before.full || thisEvent.full };
      const refunded = refundedOfTotal(tally, order.subtotal, order.total);

      const holdEnd = order.occurredAt.getTime() + order.holdDays * DAY_MS;
      const duringHold = Date.parse(event.occurredAt) < holdEnd;
      const referralVoided = order.isFirstOrder && duringHold && (refunded > 0n || tally.full) ? await this.referrals.voidReferral(order.orderId, tx) : false;
      // Bonus points reward the referral itself: a voided referral keeps none of them.
      const fullKinds = new Set(referralVoided ? ['bonus-points'] : []);
      const rewards = await this.ledger.lockForOrder(order.orderId, tx);
      const plan = planReversals(rewards, refunded, order.total, fullKinds);
      await this.ledger.reverse(plan, rewards, event.id, event.type === 'purchase.cancelled' ? 'order cancelled' : `refund: ${refunded} of ${order.total} ${order.currency} refunded so far`, tx);

      const status = event.type === 'purchase.cancelled' ? 'cancelled' : refunded >= order.total ? 'refunded' : 'partially_refunded';
      await this.orders.updateRefund(order.orderId, refunded, order.status === 'cancelled' ? 'cancelled' : status, tx);
      await this.processing.markProcessed(
        event.id,
        {
          kind: event.type === 'purchase.cancelled' ? 'cancel' : 'refund',
          refundAmount: thisEvent.amount.toString(),
          refundItemsValue: thisEvent.itemsValue.toString(),
          full: thisEvent.full,
          refundedOfTotal: refunded.toString(),
          reversals: plan.length,
          referralVoided,
        },
        tx,
      );
      return 'processed';
    });
  }

  /** What this one event refunds. A cancellation, or a refund with neither amount nor items, is full. */
  private tallyOf(event: PurchaseRefundedEvent | PurchaseCancelledEvent, items: Array<{ sku: string; unitPrice: number; quantity: number }>): RefundTally {
    if (event.type === 'purchase.cancelled' || (event.amount === undefined && event.items === undefined)) return { amount: 0n, itemsValue: 0n, full: true };
    if (event.amount !== undefined) return { amount: BigInt(event.amount), itemsValue: 0n, full: false };
    const { value, unknownSkus } = refundedItemsValue(items, event.items ?? []);
    if (unknownSkus.length > 0) throw new InvalidEventError(`refund names items that are not in order ${event.orderId}: ${unknownSkus.join(', ')}`);
    return { amount: 0n, itemsValue: value, full: false };
  }
}
