import { evaluatePurchaseFast } from '../engine/evaluate-purchase.ts';
import type { PurchaseInput } from '../engine/purchase-input.ts';
import type { RewardResult } from '../engine/reward-result.ts';
import { isKnownCurrency, POINTS } from '../money/currency.ts';
import type { PurchaseContextLoader } from '../referrals/purchase-context-loader.ts';
import type { RuleRegistry } from '../rules/rule-registry.ts';
import { UnknownCurrencyError } from './checkout-errors.ts';
import type { QuoteRequest } from './checkout-quote-schema.ts';

export interface Quote {
  /** Exactly what the engine was given: the purchase event for the same cart evaluates the same input. */
  input: PurchaseInput;
  result: RewardResult;
  /** Cashback and campaign cashback for the referrer, in the order currency. */
  referrerCashback: bigint;
}

/**
 * What the referral program gives a cart, without writing anything: the same
 * context lookup and the same evaluatePurchaseFast the event worker uses
 * (compiled conditions, kept equal to json-rules-engine by a differential test).
 */
export class CheckoutQuoteService {
  constructor(
    private readonly rules: RuleRegistry,
    private readonly contexts: PurchaseContextLoader,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** @throws UnknownCurrencyError, NoRuleSetInForceError */
  async quote(request: QuoteRequest): Promise<Quote> {
    if (request.currency === POINTS || !isKnownCurrency(request.currency)) throw new UnknownCurrencyError(request.currency);
    const occurredAt = request.at ?? this.now().toISOString();
    const ruleSet = this.rules.get();
    const { settings } = ruleSet.select(Date.parse(occurredAt));
    const context = await this.contexts.load(
      {
        userId: request.userId,
        occurredAt,
        ...(request.referralCode ? { referralCode: request.referralCode } : {}),
        ...(request.visitorId ? { visitorId: request.visitorId } : {}),
        ...(request.signals ? { signals: request.signals } : {}),
      },
      settings,
    );
    const input: PurchaseInput = {
      order: {
        userId: request.userId,
        occurredAt,
        currency: request.currency,
        items: request.items,
        discounts: request.discounts ?? [],
        ...(request.signals ? { signals: request.signals } : {}),
      },
      context,
    };
    const result = evaluatePurchaseFast(ruleSet, input);
    const referrerCashback = result.rewards
      .filter((reward) => reward.currency === result.currency && (reward.kind === 'cashback' || reward.kind === 'campaign-cashback'))
      .reduce((sum, reward) => sum + reward.amount, 0n);
    return { input, result, referrerCashback };
  }
}
