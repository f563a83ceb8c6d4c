/**
 * What one purchase looks like to the engine: the order as checkout reports it
 * plus the context the service looks up (attribution, order history, tier,
 * budgets). The simulate file is a list of these; the quote and the event
 * worker build them from the database. Money is integer minor units.
 */
export interface CartItem {
  sku: string;
  category: string;
  unitPrice: number;
  quantity: number;
}

export interface ShopDiscount {
  code: string;
  kind: string;
  amount: number;
}

export interface FraudSignals {
  email?: string;
  deviceFingerprint?: string;
  paymentFingerprint?: string;
}

export interface PurchaseOrder {
  orderId?: string;
  userId: string;
  /** ISO 8601 with offset. Decides which rule versions apply. */
  occurredAt: string;
  currency: string;
  items: CartItem[];
  discounts: ShopDiscount[];
  signals?: FraudSignals;
}

export interface ReferralCandidate {
  referrerId: string;
  source: 'code' | 'link';
  code?: string;
  /** When the attributed link was clicked (source "link"). */
  clickedAt?: string;
  /** Set when the referral was already bound by an earlier order of this referee. */
  boundAt?: string;
  /** The referrer's own signals, compared with the order's for the fraud guards. */
  referrerSignals?: FraudSignals;
}

export interface PurchaseContext {
  /** The referral this order may carry: the bound one, or the candidate for a first order. */
  referral: ReferralCandidate | null;
  referee: {
    /** Orders of this user before this one. 0 makes this the first order. */
    priorOrderCount: number;
    /** Time of the user's first order, when there was one before this. */
    firstOrderAt?: string | null;
  };
  referrer: { successfulReferrals: number } | null;
  /** Campaign budget already spent, in minor units (points for PTS): { "holiday-2026": { "USD": 1250 } }. */
  campaignSpent?: Record<string, Record<string, number>>;
}

export interface PurchaseInput {
  order: PurchaseOrder;
  context: PurchaseContext;
}
