import type { RoundingPolicy } from '../money/money.ts';
import type { RuleFileRef } from '../rules/rule-file.ts';

/** A rule that fired, as recorded in results and the ledger. */
export interface FiredRuleRef {
  file: string;
  id: string;
  version: number;
  rule: string;
}

export type RewardKind = 'cashback' | 'campaign-cashback' | 'bonus-points';

/** One amount the referrer earns from this order. Amounts are minor units (points for PTS). */
export interface RewardLine {
  role: 'referrer';
  beneficiaryId: string;
  kind: RewardKind;
  amount: bigint;
  currency: string;
  rounding: RoundingPolicy;
  campaignId?: string;
}

export interface CampaignSpend {
  campaignId: string;
  currency: string;
  amount: bigint;
}

export interface ExplanationLine {
  /** Which part of the calculation: attribution, fraud, eligibility, discount, stacking, tier, cashback, campaign, hold. */
  step: string;
  message: string;
  rule?: FiredRuleRef;
}

/** What the program gives one order; identical for a quote and for the purchase event. */
export interface RewardResult {
  occurredAt: string;
  currency: string;
  subtotal: bigint;
  eligibleSubtotal: bigint;
  shopDiscountTotal: bigint;
  /** Referee discount after stacking. */
  refereeDiscount: bigint;
  /** What the customer pays: subtotal − shop discounts − referee discount. */
  total: bigint;
  referral: { present: boolean; referrerId?: string; source?: 'code' | 'link'; code?: string; blockedReason?: string };
  tier?: { name: string; cashbackPercent: string };
  holdDays: number;
  rewards: RewardLine[];
  campaignSpend: CampaignSpend[];
  rulesFired: FiredRuleRef[];
  ruleFiles: RuleFileRef[];
  explanation: ExplanationLine[];
}
