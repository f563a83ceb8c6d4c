import type { PurchaseInput } from '../src/engine/purchase-input.ts';
import { prng } from '../test/support/prng.ts';

export { prng };

const CURRENCIES = [
  { code: 'USD', unit: 100 },
  { code: 'EUR', unit: 100 },
  { code: 'JPY', unit: 1 },
  { code: 'KWD', unit: 1000 },
  { code: 'GBP', unit: 100 },
] as const;
const CATEGORIES = ['shoes', 'books', 'electronics', 'toys', 'gift-cards'];
const DAY = 86_400_000;
const START = Date.parse('2026-01-02T00:00:00Z');
const SPAN = Date.parse('2027-03-01T00:00:00Z') - START;
const CAMPAIGN_START = Date.parse('2026-12-20T05:00:00Z');

/**
 * Varied purchases over the shipped program's whole surface: every currency
 * class, gift cards, coupons and flash sales, code and link referrals, bound
 * referees, every tier, the campaign window and its edges, fraud signals and
 * budgets near exhaustion.
 */
export function generatePurchases(count: number, seed = 20261124): PurchaseInput[] {
  const random = prng(seed);
  return Array.from({ length: count }, (_, index) => {
    const currency = random.pick(CURRENCIES);
    const at = random.next() < 0.3 ? CAMPAIGN_START + Math.floor((random.next() - 0.1) * 16 * DAY) : START + random.int(SPAN);
    const items = Array.from({ length: 1 + random.int(4) }, (_, i) => ({
      sku: `sku-${i}`,
      category: random.pick(CATEGORIES),
      unitPrice: (1 + random.int(120)) * currency.unit * (currency.code === 'JPY' ? 100 : 1) + random.int(currency.unit),
      quantity: 1 + random.int(3),
    }));
    const subtotal = items.reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
    const discounts = [];
    if (random.next() < 0.3) discounts.push({ code: 'SAVE10', kind: 'coupon', amount: Math.floor(subtotal * random.next() * 0.2) });
    if (random.next() < 0.1) discounts.push({ code: 'FLASH', kind: 'flash-sale', amount: Math.floor(subtotal * 0.05) });
    const userId = `user-${index}`;
    const roll = random.next();
    const bound = roll < 0.25;
    const referral =
      roll < 0.85
        ? {
            referrerId: random.next() < 0.03 ? userId : `referrer-${random.int(50)}`,
            source: random.next() < 0.5 ? ('code' as const) : ('link' as const),
            code: 'ABCD2345',
            clickedAt: new Date(at - random.int(40) * DAY - random.int(DAY)).toISOString(),
            ...(bound ? { boundAt: new Date(at - random.int(400) * DAY).toISOString() } : {}),
            ...(random.next() < 0.05 ? { referrerSignals: { email: 'Jane.Doe+ref@gmail.com' } } : {}),
          }
        : null;
    const priorOrderCount = bound ? 1 + random.int(5) : random.next() < 0.2 ? 1 : 0;
    return {
      order: {
        orderId: `order-${index}`,
        userId,
        occurredAt: new Date(at).toISOString(),
        currency: currency.code,
        items,
        discounts,
        signals: { email: random.next() < 0.5 ? 'janedoe@gmail.com' : `user${index}@example.com` },
      },
      context: {
        referral,
        referee: { priorOrderCount, firstOrderAt: priorOrderCount > 0 ? new Date(at - random.int(400) * DAY).toISOString() : null },
        referrer: { successfulReferrals: random.pick([0, 3, 9, 10, 11, 49, 50, 70]) },
        ...(random.next() < 0.1 ? { campaignSpent: { 'holiday-2026': { USD: 4_999_990, EUR: 5_000_000, JPY: 6_999_000, PTS: 999_950 } } } : {}),
      },
    };
  });
}
