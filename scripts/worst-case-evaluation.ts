/**
 * Worst-case synchronous evaluation time of the shipped rules, to compare
 * with BullMQ's lockDuration (30 s default): a job whose evaluation blocked the
 * event loop longer than that would lose its lock and be delivered twice.
 * Usage: npx tsx scripts/worst-case-evaluation.ts [rulesDir]
 */
import { performance } from 'node:perf_hooks';
import { evaluatePurchase } from '../src/engine/evaluate-purchase.ts';
import type { PurchaseInput } from '../src/engine/purchase-input.ts';
import { loadRuleSet } from '../src/rules/rule-set-loader.ts';

const ruleSet = await loadRuleSet(process.argv[2] ?? 'rules');

/** The largest order the API accepts (100 items, 20 discounts, longest strings), referred, inside the holiday campaign, every rule firing. */
function largest(i: number): PurchaseInput {
  return {
    order: {
      orderId: `o-${i}`,
      userId: `u-${i}`,
      occurredAt: '2026-12-21T19:30:00-05:00',
      currency: 'USD',
      items: Array.from({ length: 100 }, (_, k) => ({ sku: `SKU-${k}`.padEnd(128, 'x'), category: k % 7 === 0 ? 'gift-cards' : `category-${k}`.padEnd(128, 'y'), unitPrice: 10_000_000_000, quantity: 1000 })),
      discounts: Array.from({ length: 20 }, (_, k) => ({ code: `CODE-${k}`.padEnd(128, 'z'), kind: k === 0 ? 'flash-sale' : `kind-${k}`, amount: 1000 })),
      signals: { email: 'Some.Body+tag@gmail.com', deviceFingerprint: 'dev', paymentFingerprint: 'card' },
    },
    context: {
      referral: { referrerId: 'u-ref', source: 'code', code: 'REF5', referrerSignals: { email: 'other@example.com' } },
      referee: { priorOrderCount: 0 },
      referrer: { successfulReferrals: 60 },
      campaignSpent: { 'holiday-2026': { USD: 10, PTS: 10 } },
    },
  };
}

function typical(i: number): PurchaseInput {
  const input = largest(i);
  input.order.items = input.order.items.slice(0, 3).map((item) => ({ ...item, unitPrice: 2500, quantity: 1 }));
  input.order.discounts = [];
  return input;
}

async function measure(label: string, make: (i: number) => PurchaseInput, runs: number): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const input = make(i);
    const start = performance.now();
    await evaluatePurchase(ruleSet, input);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(3);
  console.log(`${label}: ${runs} runs, median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${times[times.length - 1]!.toFixed(3)} ms`);
}

await measure('typical order (3 items)', typical, 5000);
await measure('largest accepted order (100 items, 20 discounts, all rules firing)', largest, 2000);
console.log('BullMQ lockDuration default: 30000 ms (the worker renews the lock every 15000 ms)');
