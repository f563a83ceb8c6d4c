import type { ReferralSettings } from '../rules/rule-file.ts';
import { normalizeEmail } from './normalize-email.ts';
import type { FraudSignals, PurchaseInput } from './purchase-input.ts';
import { InvalidPurchaseError } from './invalid-purchase-error.ts';

const DAY_MS = 86_400_000;

/** The plain values rules read; see FACT_CATALOG for what each means. */
export interface PurchaseFacts {
  order: {
    currency: string;
    subtotal: number;
    shopDiscountTotal: number;
    itemCount: number;
    categories: string[];
    discountKinds: string[];
    discountCodes: string[];
  };
  referral: { present: boolean; source: 'code' | 'link' | 'none'; clickAgeDays: number };
  referee: { isFirstOrder: boolean; priorOrderCount: number; daysSinceFirstOrder: number };
  referrer: { successfulReferrals: number };
  fraud: { sameUser: boolean; sameEmail: boolean; sameDevice: boolean; samePayment: boolean };
}

export interface AttributionOutcome {
  /** The order carries a referral that the program honours. */
  present: boolean;
  /** Why not, when it does not. */
  reason?: string;
}

/**
 * Computes every fact before the engine runs, so a run reads plain values only
 * (no I/O inside json-rules-engine, whose shared status breaks overlapping runs
 * with async facts).
 */
export function buildPurchaseFacts(input: PurchaseInput, settings: ReferralSettings): { facts: PurchaseFacts; attribution: AttributionOutcome } {
  const { order, context } = input;
  const at = Date.parse(order.occurredAt);
  const referral = context.referral;
  if (context.referee.priorOrderCount > 0 && !context.referee.firstOrderAt) {
    // Without it, "days since the first order" would read 0 and a years-old
    // referee would still earn first-year cashback: refuse instead of guessing.
    throw new InvalidPurchaseError('context.referee.firstOrderAt is required when priorOrderCount > 0');
  }
  const attribution = attribute(input, settings, at);
  const clickAgeDays = referral?.source === 'link' && referral.clickedAt
    ? wholeDays(Date.parse(referral.boundAt ?? order.occurredAt) - Date.parse(referral.clickedAt))
    : 0;
  const firstOrderAt = context.referee.firstOrderAt ? Date.parse(context.referee.firstOrderAt) : at;
  return {
    attribution,
    facts: {
      order: {
        currency: order.currency,
        subtotal: order.items.reduce((sum, item) => sum + item.unitPrice * item.quantity, 0),
        shopDiscountTotal: order.discounts.reduce((sum, discount) => sum + discount.amount, 0),
        itemCount: order.items.reduce((sum, item) => sum + item.quantity, 0),
        categories: distinct(order.items, (item) => item.category),
        discountKinds: distinct(order.discounts, (discount) => discount.kind),
        discountCodes: order.discounts.map((discount) => discount.code),
      },
      referral: { present: attribution.present, source: attribution.present && referral ? referral.source : 'none', clickAgeDays },
      referee: {
        isFirstOrder: context.referee.priorOrderCount === 0,
        priorOrderCount: context.referee.priorOrderCount,
        daysSinceFirstOrder: Math.max(0, wholeDays(at - firstOrderAt)),
      },
      referrer: { successfulReferrals: context.referrer?.successfulReferrals ?? 0 },
      fraud: fraudFacts(order.userId, order.signals, referral?.referrerId, referral?.referrerSignals),
    },
  };
}

function attribute(input: PurchaseInput, settings: ReferralSettings, at: number): AttributionOutcome {
  const { order, context } = input;
  const referral = context.referral;
  if (!referral) return { present: false, reason: 'no referral code or attributed link click on this order' };
  if (referral.boundAt) return { present: true };
  if (context.referee.priorOrderCount > 0) return { present: false, reason: 'the customer had ordered before, so is not a new referee' };
  if (referral.source === 'link') {
    const clickedAt = referral.clickedAt ? Date.parse(referral.clickedAt) : Number.NaN;
    if (Number.isNaN(clickedAt)) return { present: false, reason: 'the referral link click has no readable time' };
    if (clickedAt > at) return { present: false, reason: 'the referral link was clicked after the order was placed' };
    if (at - clickedAt > settings.attributionWindowDays * DAY_MS) {
      return { present: false, reason: `the referral link was clicked more than ${settings.attributionWindowDays} days before the order` };
    }
  }
  return { present: true };
}

function fraudFacts(userId: string, signals: FraudSignals | undefined, referrerId: string | undefined, referrerSignals: FraudSignals | undefined): PurchaseFacts['fraud'] {
  return {
    sameUser: referrerId !== undefined && referrerId === userId,
    sameEmail: same(signals?.email && normalizeEmail(signals.email), referrerSignals?.email && normalizeEmail(referrerSignals.email)),
    sameDevice: same(signals?.deviceFingerprint, referrerSignals?.deviceFingerprint),
    samePayment: same(signals?.paymentFingerprint, referrerSignals?.paymentFingerprint),
  };
}

function same(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.length > 0 && a === b;
}

function wholeDays(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** Distinct values in first-seen order; carts are short, so a linear scan beats building a Set. */
function distinct<T>(items: readonly T[], key: (item: T) => string): string[] {
  const values: string[] = [];
  for (const item of items) {
    const value = key(item);
    if (!values.includes(value)) values.push(value);
  }
  return values;
}
