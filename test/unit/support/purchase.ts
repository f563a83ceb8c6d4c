import type { PurchaseInput, ReferralCandidate } from '../../../src/engine/purchase-input.ts';

export interface PurchaseOptions {
  occurredAt?: string;
  currency?: string;
  items?: PurchaseInput['order']['items'];
  discounts?: PurchaseInput['order']['discounts'];
  referral?: ReferralCandidate | null;
  priorOrderCount?: number;
  firstOrderAt?: string;
  successfulReferrals?: number;
  campaignSpent?: Record<string, Record<string, number>>;
  signals?: PurchaseInput['order']['signals'];
}

/** A referred friend's first order of one 100.00 USD book, in March 2026, unless told otherwise. */
export function purchase(options: PurchaseOptions = {}): PurchaseInput {
  return {
    order: {
      userId: 'friend',
      occurredAt: options.occurredAt ?? '2026-03-10T12:00:00Z',
      currency: options.currency ?? 'USD',
      items: options.items ?? [{ sku: 'book-1', category: 'books', unitPrice: 10000, quantity: 1 }],
      discounts: options.discounts ?? [],
      ...(options.signals ? { signals: options.signals } : {}),
    },
    context: {
      referral: options.referral === undefined ? { referrerId: 'alice', source: 'code', code: 'ALICE5' } : options.referral,
      referee: { priorOrderCount: options.priorOrderCount ?? 0, firstOrderAt: options.firstOrderAt ?? null },
      referrer: { successfulReferrals: options.successfulReferrals ?? 0 },
      ...(options.campaignSpent ? { campaignSpent: options.campaignSpent } : {}),
    },
  };
}
