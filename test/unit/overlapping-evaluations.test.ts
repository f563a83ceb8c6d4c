import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePurchase } from '../../src/engine/evaluate-purchase.ts';
import type { PurchaseInput, ReferralCandidate } from '../../src/engine/purchase-input.ts';
import type { RewardResult } from '../../src/engine/reward-result.ts';
import { buildRuleSet } from '../../src/rules/rule-set-loader.ts';
import { shippedRuleFiles, toSources } from './support/shipped-rule-files.ts';

const DAY = 86_400_000;

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generateInputs(count: number, seed: number): PurchaseInput[] {
  const next = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const int = (max: number) => Math.floor(next() * (max + 1));
  // Spread over 2026–2027 with extra weight on the holiday window and its edges.
  const times = [Date.parse('2026-03-10T12:00:00Z'), Date.parse('2026-12-20T05:00:00Z'), Date.parse('2027-01-03T04:59:59.999Z'), Date.parse('2027-01-03T05:00:00Z')];
  return Array.from({ length: count }, (_, i) => {
    const at = next() < 0.5 ? pick(times) + pick([0, -1, 1, DAY * int(10)]) : Date.parse('2026-01-01T00:00:00Z') + int(700) * DAY + int(DAY);
    const currency = pick(['USD', 'USD', 'EUR', 'JPY', 'GBP', 'KWD']);
    const scale = currency === 'JPY' ? 1 : currency === 'KWD' ? 1000 : 100;
    const items = Array.from({ length: 1 + int(3) }, (_, n) => ({
      sku: `sku-${n}`,
      category: pick(['books', 'electronics', 'gift-cards']),
      unitPrice: Math.round((5 + next() * 400) * scale),
      quantity: 1 + int(2),
    }));
    const discounts = Array.from({ length: int(2) }, (_, n) => ({ code: `D${n}`, kind: pick(['coupon', 'flash-sale', 'loyalty']), amount: int(30) * scale }));
    const priorOrderCount = pick([0, 0, 0, 1, 5]);
    const referrerSignals = { email: pick(['jane.doe+x@gmail.com', 'other@example.com']), deviceFingerprint: pick(['d1', 'd2']), paymentFingerprint: pick(['p1', 'p2']) };
    const kind = pick(['none', 'code', 'link', 'bound']);
    const referral: ReferralCandidate | null =
      kind === 'none' ? null
      : kind === 'code' ? { referrerId: pick(['alice', 'friend']), source: 'code', code: 'ALICE5', referrerSignals }
      : kind === 'link' ? { referrerId: 'alice', source: 'link', clickedAt: new Date(at - int(40) * DAY).toISOString(), referrerSignals }
      : { referrerId: 'alice', source: 'code', code: 'ALICE5', boundAt: new Date(at - int(400) * DAY).toISOString(), referrerSignals };
    return {
      order: {
        orderId: `order-${i}`,
        userId: 'friend',
        occurredAt: new Date(at).toISOString(),
        currency,
        items,
        discounts,
        signals: { email: pick(['janedoe@gmail.com', 'friend@example.com']), deviceFingerprint: pick(['d1', 'd3', 'd4']), paymentFingerprint: pick(['p1', 'p3', 'p4']) },
      },
      context: {
        referral,
        referee: { priorOrderCount, firstOrderAt: priorOrderCount > 0 ? new Date(at - int(400) * DAY).toISOString() : null },
        referrer: { successfulReferrals: int(60) },
        campaignSpent: { 'holiday-2026': { USD: pick([0, 4_999_950, 5_000_000]), PTS: pick([0, 999_950]) } },
      },
    };
  });
}

describe('overlapping evaluations', () => {
  const ruleSet = buildRuleSet(toSources(shippedRuleFiles()));
  const inputs = generateInputs(2000, 20261220);
  const sequential: RewardResult[] = [];
  beforeAll(async () => {
    for (const input of inputs) sequential.push(await evaluatePurchase(ruleSet, input));
  });

  it('give the same results as one at a time', async () => {
    let inFlight = 0;
    const inFlightAtCompletion: number[] = [];
    const overlapping = await Promise.all(
      inputs.map((input) => {
        inFlight++;
        return evaluatePurchase(ruleSet, input).finally(() => {
          inFlightAtCompletion.push(inFlight);
          inFlight--;
        });
      }),
    );

    // The runs really overlapped: when the first finished, at least 50 others were still running.
    expect(inFlightAtCompletion[0]).toBeGreaterThanOrEqual(50);
    expect(overlapping).toEqual(sequential);
  });

  it('cover the outcomes that could go wrong (the inputs are not all alike)', () => {
    const results = sequential;
    const kinds = new Set(results.flatMap((result) => result.rewards.map((reward) => reward.kind)));
    expect([...kinds].sort()).toEqual(['bonus-points', 'campaign-cashback', 'cashback']);
    expect(results.filter((result) => result.referral.blockedReason).length).toBeGreaterThan(50);
    expect(results.filter((result) => result.refereeDiscount > 0n).length).toBeGreaterThan(50);
    expect(new Set(results.map((result) => result.tier?.name)).size).toBe(4); // bronze, silver, gold, none
  });
});
