import { describe, expect, it } from 'vitest';
import { evaluatePurchase } from '../../src/engine/evaluate-purchase.ts';
import type { ExplanationLine } from '../../src/engine/reward-result.ts';
import { buildRuleSet } from '../../src/rules/rule-set-loader.ts';
import { shippedRuleFiles, toSources } from './support/shipped-rule-files.ts';
import { purchase } from './support/purchase.ts';

const ruleSet = buildRuleSet(toSources(shippedRuleFiles()));
const ref = (file: string, id: string, rule: string) => ({ file, id, version: 1, rule });
const REFERRAL = 'rules/referral/referral-v1.json';
const STACKING = 'rules/stacking/stacking-v1.json';
const TIERS = 'rules/tiers/tiers-v1.json';
const FRAUD = 'rules/fraud/fraud-v1.json';
const HOLIDAY = 'rules/campaigns/holiday-2026.json';

const line = (lines: ExplanationLine[], step: string) => lines.filter((l) => l.step === step);

describe('a result explains itself', () => {
  it('names every rule that fired by file, id, version and rule name', async () => {
    const result = await evaluatePurchase(ruleSet, purchase({ occurredAt: '2026-12-21T12:00:00Z', successfulReferrals: 12 }));
    expect(result.rulesFired).toEqual([
      ref(REFERRAL, 'referral', 'referee-first-order-discount'),
      ref(REFERRAL, 'referral', 'referrer-cashback-first-year'),
      ref(STACKING, 'stacking', 'total-discount-cap'),
      ref(TIERS, 'tiers', 'bronze'),
      ref(TIERS, 'tiers', 'silver'),
      ref(HOLIDAY, 'holiday-2026', 'double-cashback'),
      ref(HOLIDAY, 'holiday-2026', 'first-order-bonus-points'),
    ]);
    expect(result.ruleFiles.map((file) => `${file.file}@${file.version}`)).toEqual([
      `${FRAUD}@1`, `${REFERRAL}@1`, `${STACKING}@1`, `${TIERS}@1`, `${HOLIDAY}@1`,
    ]);
    expect(result.ruleFiles.every((file) => /^[0-9a-f]{64}$/.test(file.hash))).toBe(true);
  });

  it('ties each amount to the rule that produced it', async () => {
    const { explanation } = await evaluatePurchase(ruleSet, purchase({ occurredAt: '2026-12-21T12:00:00Z', successfulReferrals: 12 }));
    expect(line(explanation, 'discount')).toEqual([
      { step: 'discount', message: 'referee discount 5% of 100.00 USD = 5.00 USD (half-even)', rule: ref(REFERRAL, 'referral', 'referee-first-order-discount') },
    ]);
    expect(line(explanation, 'tier')).toEqual([
      { step: 'tier', message: 'tier silver (12 successful referrals): 2% cashback', rule: ref(TIERS, 'tiers', 'silver') },
    ]);
    expect(line(explanation, 'cashback')).toEqual([
      { step: 'cashback', message: 'cashback 2% of eligible net 95.00 USD = 1.90 USD (floor)', rule: ref(REFERRAL, 'referral', 'referrer-cashback-first-year') },
    ]);
    expect(line(explanation, 'campaign').map((l) => [l.message, l.rule?.rule])).toEqual([
      ['Holiday double cashback: cashback ×2 adds 1.90 USD', 'double-cashback'],
      ['Holiday double cashback: 100 bonus points for the referrer, confirmed when this referral becomes successful', 'first-order-bonus-points'],
    ]);
    expect(line(explanation, 'hold')).toEqual([{ step: 'hold', message: 'rewards stay pending for 15 days (the return window), then are confirmed' }]);
  });

  it('says when the discount was capped', async () => {
    const result = await evaluatePurchase(ruleSet, purchase({ items: [{ sku: 'tv', category: 'electronics', unitPrice: 50000, quantity: 1 }] }));
    expect(result.refereeDiscount).toBe(2000n);
    expect(line(result.explanation, 'discount')).toEqual([
      { step: 'discount', message: 'referee discount 5% of 500.00 USD = 25.00 USD (half-even), capped at 20.00 USD', rule: ref(REFERRAL, 'referral', 'referee-first-order-discount') },
    ]);
  });

  it('says when stacking shrank the discount, and by which rule', async () => {
    const result = await evaluatePurchase(ruleSet, purchase({ discounts: [{ code: 'SPRING', kind: 'coupon', amount: 1200 }] }));
    expect(result.refereeDiscount).toBe(300n);
    expect(line(result.explanation, 'stacking')).toEqual([
      {
        step: 'stacking',
        message: "referee discount reduced from 5.00 USD to 3.00 USD: all discounts together may not exceed 15% of the subtotal (15.00 USD), and the shop's own discounts are 12.00 USD",
        rule: ref(STACKING, 'stacking', 'total-discount-cap'),
      },
    ]);
  });

  it('says when a flash sale blocked the discount', async () => {
    const result = await evaluatePurchase(ruleSet, purchase({ discounts: [{ code: 'FLASH', kind: 'flash-sale', amount: 500 }] }));
    expect(result.refereeDiscount).toBe(0n);
    expect(line(result.explanation, 'stacking')).toEqual([
      {
        step: 'stacking',
        message: 'referee discount 5.00 USD removed: the order has a flash-sale discount, which never combines with a referral discount',
        rule: ref(STACKING, 'stacking', 'no-referral-discount-with-flash-sale'),
      },
    ]);
  });

  it('records every fraud reason when several guards block the rewards', async () => {
    const result = await evaluatePurchase(
      ruleSet,
      purchase({
        signals: { email: 'Jane.Doe+second@googlemail.com', deviceFingerprint: 'dev-1' },
        referral: { referrerId: 'alice', source: 'code', code: 'ALICE5', referrerSignals: { email: 'janedoe@gmail.com', deviceFingerprint: 'dev-1' } },
      }),
    );
    expect(result.rewards).toEqual([]);
    expect(result.refereeDiscount).toBe(0n);
    expect(result.referral.blockedReason).toBe(
      'self-referral: the referrer and the referee share an email address; self-referral: the referrer and the referee share a device',
    );
    expect(line(result.explanation, 'fraud')).toEqual([
      { step: 'fraud', message: 'no referral reward: self-referral: the referrer and the referee share an email address', rule: ref(FRAUD, 'fraud', 'same-email') },
      { step: 'fraud', message: 'no referral reward: self-referral: the referrer and the referee share a device', rule: ref(FRAUD, 'fraud', 'same-device') },
    ]);
  });

  it('says when the campaign budget cut the extra cashback', async () => {
    const result = await evaluatePurchase(ruleSet, purchase({ occurredAt: '2026-12-21T12:00:00Z', campaignSpent: { 'holiday-2026': { USD: 4_999_950 } } }));
    expect(result.rewards.find((reward) => reward.kind === 'campaign-cashback')?.amount).toBe(50n);
    expect(line(result.explanation, 'campaign')[0]).toEqual({
      step: 'campaign',
      message: 'campaign budget for USD: 0.50 USD left, so it adds 0.50 USD instead of 0.95 USD',
      rule: ref(HOLIDAY, 'holiday-2026', 'double-cashback'),
    });
    expect(result.campaignSpend).toEqual([
      { campaignId: 'holiday-2026', currency: 'USD', amount: 50n },
      { campaignId: 'holiday-2026', currency: 'PTS', amount: 100n },
    ]);
  });

  it('gives the reason when there is no referral reward at all', async () => {
    const result = await evaluatePurchase(ruleSet, purchase({ priorOrderCount: 2, firstOrderAt: '2026-01-15T10:00:00Z' }));
    expect(result.rewards).toEqual([]);
    expect(result.explanation).toEqual([
      { step: 'attribution', message: 'no referral reward: the customer had ordered before, so is not a new referee' },
    ]);
  });
});

describe('inputs the engine refuses or explains', () => {
  it('refuses a repeat buyer without the time of the first order, instead of treating it as day 0', async () => {
    await expect(evaluatePurchase(ruleSet, purchase({ priorOrderCount: 2 }))).rejects.toThrow(/firstOrderAt is required/);
  });

  it('does not attribute a link click dated after the order', async () => {
    const input = purchase();
    input.context.referral = { referrerId: 'referrer-1', source: 'link', clickedAt: '2026-06-02T00:00:00Z' };
    input.order.occurredAt = '2026-06-01T12:00:00Z';
    const result = await evaluatePurchase(ruleSet, input);
    expect(result.referral.present).toBe(false);
    expect(result.explanation[0]?.message).toBe('no referral reward: the referral link was clicked after the order was placed');
  });

  it('says why there is no cashback after the first year', async () => {
    const input = purchase({ priorOrderCount: 3, firstOrderAt: '2025-01-01T00:00:00Z' });
    input.context.referral = { referrerId: 'referrer-1', source: 'code', code: 'ABCD2345', boundAt: '2025-01-01T00:00:00Z' };
    const result = await evaluatePurchase(ruleSet, input);
    expect(result.rewards).toEqual([]);
    expect(result.explanation.map((line) => line.message)).toContain(
      'no cashback: no referrer-cashback rule applies to this order (for example, it falls outside the cashback period after the first order)',
    );
  });
});
