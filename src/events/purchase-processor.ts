import type { Knex } from 'knex';
import { evaluatePurchaseFast } from '../engine/evaluate-purchase.ts';
import type { PurchaseContext, PurchaseInput } from '../engine/purchase-input.ts';
import { rewardResultToJson } from '../engine/result-json.ts';
import type { RewardResult } from '../engine/reward-result.ts';
import { POINTS } from '../money/currency.ts';
import type { PurchaseContextLoader } from '../referrals/purchase-context-loader.ts';
import type { RuleRegistry } from '../rules/rule-registry.ts';
import type { RuleSet, SelectedRules } from '../rules/rule-set.ts';
import type { CampaignBudgetStore } from './campaign-budget-store.ts';
import { InvalidEventError } from './event-errors.ts';
import type { EventProcessingStore } from './event-processing-store.ts';
import type { OrderStore } from './order-store.ts';
import type { PurchaseCompletedEvent } from './purchase-event-schema.ts';
import type { PurchaseRows, PurchaseWriteStore } from './purchase-write-store.ts';
import type { Metrics } from '../observability/metrics.ts';

const DAY_MS = 86_400_000;

export type ProcessResult = 'processed' | 'deferred' | 'already-processed';

/**
 * What applying a purchase came to. `processed` carries the refunds and cancellations that were
 * parked waiting for this order (to apply next). `order-exists`: another event already reported
 * this order. `alone`: the purchase depends on another one in the same batch (same user or order,
 * or its referrer bought in the batch) or is under other rules, so it must be applied by itself.
 */
export type PurchaseOutcome = { kind: 'processed'; deferred: string[] } | { kind: 'already-processed' } | { kind: 'order-exists'; eventId: string } | { kind: 'alone' };

/**
 * Applies purchase.completed events: evaluates each with the rules in force at
 * its occurredAt and writes the orders, referral bindings, signals, rewards with
 * their grant entries, campaign spend and processed marks in ONE transaction.
 * Anything that went wrong before COMMIT left no trace.
 *
 * The worker hands over the purchases of concurrent jobs at once (processMany):
 * a few statements for the whole batch instead of a dozen round trips per
 * event, which were the pipeline's cost. A batch has the effects of applying
 * its purchases one after another in the order given. Its purchases are of
 * distinct users and orders, so none reads what another writes (prior orders,
 * the referee's binding) except the campaign spend, carried from one to the
 * next in memory, and a referrer's fraud signals: the batch ends at the first
 * purchase of a user or order already in it, under other rules, or whose
 * referrer bought before it in the batch; that purchase and the rest come back
 * 'alone', for the caller to apply one by one. A single event is a batch of
 * one: there is one code path.
 */
export class PurchaseProcessor {
  constructor(
    private readonly knex: Knex,
    private readonly rules: RuleRegistry,
    private readonly contexts: PurchaseContextLoader,
    private readonly orders: OrderStore,
    private readonly budgets: CampaignBudgetStore,
    private readonly writes: PurchaseWriteStore,
    private readonly processing: EventProcessingStore,
    private readonly metrics?: Metrics,
  ) {}

  /** The rule set purchases are evaluated with now (callers group events by its selections). */
  ruleSet(): RuleSet {
    return this.rules.get();
  }

  /** @throws NoRuleSetInForceError, InvalidEventError (no retry helps); anything else is worth a retry. */
  async process(event: PurchaseCompletedEvent): Promise<Exclude<PurchaseOutcome, { kind: 'order-exists' | 'alone' }>> {
    const outcome = (await this.processMany([event])).get(event.id)!;
    if (outcome.kind === 'order-exists') throw new InvalidEventError(`order ${event.orderId} was already reported by event ${outcome.eventId}`);
    // Cannot happen for a batch of one: it has no other event to depend on, and its own rules.
    if (outcome.kind === 'alone') throw new Error(`event ${event.id} could not be applied by itself`);
    return outcome;
  }

  /**
   * Applies purchases in one transaction; the outcome of each, by event id. Events of a user or
   * order seen earlier in the list, or under other rules than the first (a rule version boundary
   * inside the batch), come back 'alone'. Throws (and wrote nothing) when the transaction fails.
   * @throws NoRuleSetInForceError when no rules cover the first event's date, before any I/O.
   */
  async processMany(events: readonly PurchaseCompletedEvent[]): Promise<Map<string, PurchaseOutcome>> {
    const outcomes = new Map<string, PurchaseOutcome>();
    if (events.length === 0) return outcomes;
    const ruleSet = this.rules.get();
    // Throws NoRuleSetInForceError before any I/O when no rules cover the date.
    const selected = ruleSet.select(Date.parse(events[0]!.occurredAt));
    const batch: PurchaseCompletedEvent[] = [];
    const users = new Set<string>();
    const orderIds = new Set<string>();
    const ids = new Set<string>();
    let ended = false;
    for (const event of events) {
      // The batch ends at the first purchase that depends on one before it: it and those after
      // it are applied one by one, after the batch, which keeps the order given.
      ended ||= users.has(event.userId) || orderIds.has(event.orderId) || ids.has(event.id) || rulesAt(ruleSet, event.occurredAt) !== selected;
      if (ended) {
        outcomes.set(event.id, { kind: 'alone' });
        continue;
      }
      users.add(event.userId);
      orderIds.add(event.orderId);
      ids.add(event.id);
      batch.push(event);
    }

    let planned: Array<{ event: PurchaseCompletedEvent; result: RewardResult }> = [];
    await this.knex.transaction(async (tx) => {
      // Every user key, then every order key, each sorted: the order one purchase (user, then
      // order) and a refund (order) take theirs in too, so no two transactions wait crosswise.
      await this.orders.lockKeys([...[...users].sort().map((u) => `user:${u}`), ...[...orderIds].sort().map((o) => `order:${o}`)], tx);
      const state = await this.processing.purchaseStates(
        batch.map((e) => e.id),
        batch.map((e) => e.orderId),
        tx,
      );
      const fresh: PurchaseCompletedEvent[] = [];
      for (const event of batch) {
        const reportedBy = state.orders.get(event.orderId);
        if (state.processed.has(event.id)) outcomes.set(event.id, { kind: 'already-processed' });
        else if (reportedBy !== undefined) outcomes.set(event.id, { kind: 'order-exists', eventId: reportedBy });
        else fresh.push(event);
      }
      if (fresh.length === 0) return;

      const contexts = await this.contexts.loadMany(
        fresh.map((e) => ({ userId: e.userId, occurredAt: e.occurredAt, referralCode: e.referralCode, visitorId: e.visitorId, signals: e.signals, orderId: e.orderId })),
        tx,
      );
      // The spend the calculator caps against must be the locked one, not the loader's unlocked
      // read; within the batch each purchase sees the spend of those before it.
      const spent = await this.budgets.lock(selected, [...new Set(fresh.map((e) => e.currency)), POINTS], tx);
      const rows: PurchaseRows[] = [];
      const applied: typeof planned = [];
      // Whose signals this batch records before each purchase is evaluated: a referrer among them
      // has signals the context (read before any write) lacks, so the batch ends there.
      const buyers = new Set<string>();
      let cut = false;
      fresh.forEach((event, i) => {
        const context = contexts[i]!;
        const referrerId = context.referral?.referrerId;
        cut ||= referrerId !== undefined && referrerId !== event.userId && buyers.has(referrerId);
        if (cut) {
          outcomes.set(event.id, { kind: 'alone' });
          return;
        }
        buyers.add(event.userId);
        context.campaignSpent = { ...context.campaignSpent, ...copyOf(spent) };
        const result = evaluatePurchaseFast(ruleSet, { order: orderOf(event), context });
        for (const s of result.campaignSpend) {
          const byCurrency = (spent[s.campaignId] ??= {});
          byCurrency[s.currency] = (byCurrency[s.currency] ?? 0) + Number(s.amount);
        }
        rows.push(rowsOf(event, context, result));
        applied.push({ event, result });
      });
      if (rows.length === 0) return;
      await this.writes.write(rows, tx);
      await this.budgets.add(
        applied.flatMap(({ result }) => result.campaignSpend),
        selected,
        tx,
      );
      for (const { event } of applied) outcomes.set(event.id, { kind: 'processed', deferred: state.deferred.get(event.orderId) ?? [] });
      planned = applied;
    });
    // Counted once committed: a rolled-back attempt granted nothing.
    for (const { result } of planned) for (const line of result.rewards) this.metrics?.rewardGranted(line.kind, line.currency, line.amount);
    return outcomes;
  }
}

/** Everything one purchase writes, from its evaluation. */
function rowsOf(event: PurchaseCompletedEvent, context: PurchaseContext, result: RewardResult): PurchaseRows {
  const occurredAt = new Date(event.occurredAt);
  const isFirstOrder = context.referee.priorOrderCount === 0;
  const honoured = result.referral.present && !result.referral.blockedReason;
  const candidate = context.referral;
  return {
    eventId: event.id,
    order: {
      orderId: event.orderId,
      userId: event.userId,
      occurredAt,
      currency: event.currency,
      subtotal: result.subtotal,
      eligibleNet: eligibleNet(result),
      referrerId: honoured ? result.referral.referrerId! : null,
      isFirstOrder,
      result: rewardResultToJson(result),
    },
    // A first order with an honoured referral binds the referee, unless already bound.
    ...(honoured && isFirstOrder && candidate && !candidate.boundAt
      ? { binding: { referrerId: candidate.referrerId, code: candidate.code ?? '', source: candidate.source, ...(candidate.clickedAt ? { clickedAt: candidate.clickedAt } : {}) } }
      : {}),
    signals: event.signals,
    rewards: result.rewards,
    holdUntil: new Date(occurredAt.getTime() + result.holdDays * DAY_MS),
    audit: { ruleFiles: result.ruleFiles, rulesFired: result.rulesFired, explanation: result.explanation },
  };
}

/** The rules in force at an event's date, or undefined when none are or the date is unreadable (handle reports those). */
export function rulesAt(ruleSet: RuleSet, occurredAt: string): SelectedRules | undefined {
  try {
    return ruleSet.select(Date.parse(occurredAt));
  } catch {
    return undefined;
  }
}

function copyOf(spent: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  return Object.fromEntries(Object.entries(spent).map(([campaign, byCurrency]) => [campaign, { ...byCurrency }]));
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
