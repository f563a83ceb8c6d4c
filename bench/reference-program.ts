import type { PurchaseInput } from '../src/engine/purchase-input.ts';
import { normalizeEmail } from '../src/engine/normalize-email.ts';

/**
 * The shipped default program written by hand as one plain function: the
 * speed limit for rule evaluation, and the oracle the bench checks the engine
 * against. Every constant here mirrors a number in rules/.
 */
export interface ReferenceResult {
  refereeDiscount: bigint;
  rewards: Array<{ kind: string; amount: bigint; currency: string }>;
}

const DAY = 86_400_000;
const MIN: Record<string, bigint> = { USD: 2000n, EUR: 2000n, JPY: 3000n };
const CAP: Record<string, bigint> = { USD: 2000n, EUR: 2000n, JPY: 3000n };
const CAMPAIGN = { from: Date.parse('2026-12-01T05:00:00Z'), start: Date.parse('2026-12-20T05:00:00Z'), end: Date.parse('2027-01-03T05:00:00Z') };
const BUDGET: Record<string, bigint> = { USD: 5_000_000n, EUR: 5_000_000n, JPY: 7_000_000n, PTS: 1_000_000n };

export function referenceProgram({ order, context }: PurchaseInput): ReferenceResult {
  const none: ReferenceResult = { refereeDiscount: 0n, rewards: [] };
  const at = Date.parse(order.occurredAt);
  let subtotal = 0n;
  let eligible = 0n;
  for (const item of order.items) {
    const line = BigInt(item.unitPrice) * BigInt(item.quantity);
    subtotal += line;
    if (item.category !== 'gift-cards') eligible += line;
  }
  let shop = 0n;
  let flashSale = false;
  for (const discount of order.discounts) {
    shop += BigInt(discount.amount);
    if (discount.kind === 'flash-sale') flashSale = true;
  }
  const referral = context.referral;
  if (!referral) return none;
  if (!referral.boundAt) {
    if (context.referee.priorOrderCount > 0) return none;
    if (referral.source === 'link' && !(at - Date.parse(referral.clickedAt ?? '') <= 30 * DAY)) return none;
  }
  const email = order.signals?.email;
  const referrerEmail = referral.referrerSignals?.email;
  if (referral.referrerId === order.userId) return none;
  if (email && referrerEmail && normalizeEmail(email) === normalizeEmail(referrerEmail)) return none;
  const same = (a: string | undefined, b: string | undefined) => a !== undefined && a !== '' && a === b;
  if (same(order.signals?.deviceFingerprint, referral.referrerSignals?.deviceFingerprint)) return none;
  if (same(order.signals?.paymentFingerprint, referral.referrerSignals?.paymentFingerprint)) return none;

  const firstOrder = context.referee.priorOrderCount === 0;
  let discount = 0n;
  const minimum = MIN[order.currency];
  if (firstOrder && minimum !== undefined && eligible >= minimum) {
    discount = halfEven(eligible * 5n, 100n);
    if (discount > CAP[order.currency]!) discount = CAP[order.currency]!;
    if (flashSale) discount = 0n;
    const room = subtotal * 15n / 100n - shop;
    if (discount > room) discount = room > 0n ? room : 0n;
  }

  const rewards: ReferenceResult['rewards'] = [];
  const firstOrderAt = context.referee.firstOrderAt ? Date.parse(context.referee.firstOrderAt) : at;
  const campaign = at >= CAMPAIGN.from && at >= CAMPAIGN.start && at < CAMPAIGN.end;
  const spent = context.campaignSpent?.['holiday-2026'] ?? {};
  if (Math.floor((at - firstOrderAt) / DAY) < 365) {
    const referrals = context.referrer?.successfulReferrals ?? 0;
    const rate = referrals >= 50 ? 3n : referrals >= 10 ? 2n : 1n;
    let base = eligible - shop - discount;
    if (base < 0n) base = 0n;
    const normal = base * rate / 100n;
    if (normal > 0n) rewards.push({ kind: 'cashback', amount: normal, currency: order.currency });
    if (campaign) {
      const budget = BUDGET[order.currency] ?? 0n;
      const remaining = budget - BigInt(spent[order.currency] ?? 0);
      let extra = base * rate * 2n / 100n - normal;
      if (extra > remaining) extra = remaining > 0n ? remaining : 0n;
      if (extra > 0n) rewards.push({ kind: 'campaign-cashback', amount: extra, currency: order.currency });
    }
  }
  if (campaign && firstOrder) {
    const remaining = BUDGET.PTS! - BigInt(spent.PTS ?? 0);
    const points = remaining < 100n ? (remaining > 0n ? remaining : 0n) : 100n;
    if (points > 0n) rewards.push({ kind: 'bonus-points', amount: points, currency: 'PTS' });
  }
  return { refereeDiscount: discount, rewards };
}

function halfEven(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twice = (numerator % denominator) * 2n;
  if (twice > denominator || (twice === denominator && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}
