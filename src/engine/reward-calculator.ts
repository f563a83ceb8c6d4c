import { formatMinorUnits, maxBigInt, minBigInt, parseMajorUnits, percentOf, scaleBy } from '../money/money.ts';
import { compareDecimal, decimalToString, multiplyDecimal, parseDecimal, type Decimal } from '../money/decimal.ts';
import { POINTS } from '../money/currency.ts';
import { refOf, type SelectedRules } from '../rules/rule-set.ts';
import type { AttributionOutcome } from './purchase-facts.ts';
import type { PurchaseInput } from './purchase-input.ts';
import { contributingFiles, type FiredEffect } from './rule-evaluator.ts';
import type { ExplanationLine, FiredRuleRef, RewardLine, RewardResult, CampaignSpend } from './reward-result.ts';

/**
 * Turns the effects json-rules-engine selected into amounts. Pure: no I/O, no
 * clock, no floating point. Rounding per kind (docs/money.md): referee
 * discount half-even; stacking cap, cashback and points floor (never overpay).
 */
export function calculateRewards(input: PurchaseInput, selected: SelectedRules, attribution: AttributionOutcome, fired: readonly FiredEffect[]): RewardResult {
  const { order, context } = input;
  const currency = order.currency;
  const n = new Narration(currency, fired);

  const subtotal = order.items.reduce((sum, item) => sum + BigInt(item.unitPrice) * BigInt(item.quantity), 0n);
  const shopDiscountTotal = order.discounts.reduce((sum, discount) => sum + BigInt(discount.amount), 0n);
  const result: RewardResult = {
    occurredAt: order.occurredAt,
    currency,
    subtotal,
    eligibleSubtotal: subtotal,
    shopDiscountTotal,
    refereeDiscount: 0n,
    total: maxBigInt(0n, subtotal - shopDiscountTotal),
    referral: { present: false },
    holdDays: selected.settings.holdDays,
    rewards: [],
    campaignSpend: [],
    rulesFired: fired.map(ruleRef),
    ruleFiles: contributingFiles(selected).map(refOf),
    explanation: n.lines,
  };

  // Eligibility: excluded categories are neither discounted nor earn cashback.
  const excluded: string[] = [];
  for (const effect of n.effectsOf('exclude-categories')) {
    for (const category of effect.params.categories as string[]) if (!excluded.includes(category)) excluded.push(category);
  }
  const eligibleSubtotal = order.items
    .filter((item) => !excluded.includes(item.category))
    .reduce((sum, item) => sum + BigInt(item.unitPrice) * BigInt(item.quantity), 0n);
  result.eligibleSubtotal = eligibleSubtotal;
  if (eligibleSubtotal !== subtotal) {
    n.explain('eligibility', `${n.money(subtotal - eligibleSubtotal)} of ${n.money(subtotal)} is in excluded categories (${excluded.join(', ')}): not discounted, no cashback`, n.effectsOf('exclude-categories')[0]);
  }

  const referral = context.referral;
  if (!attribution.present || !referral) {
    n.explain('attribution', `no referral reward: ${attribution.reason ?? 'no referral on this order'}`);
    return result;
  }
  result.referral = { present: true, referrerId: referral.referrerId, source: referral.source, ...(referral.code ? { code: referral.code } : {}) };
  n.explain('attribution', referral.boundAt
    ? `referred by ${referral.referrerId} (bound on ${referral.boundAt})`
    : `referred by ${referral.referrerId} through ${referral.source === 'code' ? `code ${referral.code ?? ''}` : 'a share link'}`.trim());

  const blocks = n.effectsOf('block-rewards');
  if (blocks.length > 0) {
    const reason = blocks.map((block) => String(block.params.reason)).join('; ');
    result.referral.blockedReason = reason;
    for (const block of blocks) n.explain('fraud', `no referral reward: ${String(block.params.reason)}`, block);
    return result;
  }

  const refereeDiscount = computeRefereeDiscount(result, n);
  result.refereeDiscount = refereeDiscount;
  result.total = maxBigInt(0n, subtotal - shopDiscountTotal - refereeDiscount);

  computeReferrerRewards(input, selected, result, n);
  if (result.rewards.length > 0) {
    n.explain('hold', `rewards stay pending for ${selected.settings.holdDays} days (the return window), then are confirmed`);
  }
  return result;
}

/**
 * The explanation being written and the effects it draws on. A class rather
 * than closures made per call: the calculator runs on every quote and event.
 */
class Narration {
  readonly lines: ExplanationLine[] = [];

  constructor(
    private readonly currency: string,
    private readonly fired: readonly FiredEffect[],
  ) {}

  money(amount: bigint): string {
    return `${formatMinorUnits(amount, this.currency)} ${this.currency}`;
  }

  amount(amount: bigint, unit: 'money' | 'points'): string {
    return unit === 'money' ? this.money(amount) : `${amount} points`;
  }

  explain(step: string, message: string, effect?: FiredEffect): void {
    this.lines.push(effect ? { step, message, rule: ruleRef(effect) } : { step, message });
  }

  effectsOf(type: FiredEffect['type']): FiredEffect[] {
    const found: FiredEffect[] = [];
    for (const effect of this.fired) if (effect.type === type) found.push(effect);
    return found;
  }
}

function computeRefereeDiscount(result: RewardResult, n: Narration): bigint {
  const { currency, eligibleSubtotal, subtotal, shopDiscountTotal } = result;
  let best: { amount: bigint; effect: FiredEffect } | undefined;
  for (const effect of n.effectsOf('referee-discount')) {
    const params = effect.params as { percent: number; minEligibleSubtotal: Record<string, string>; maxDiscount: Record<string, string> };
    const minimumText = Object.hasOwn(params.minEligibleSubtotal, currency) ? params.minEligibleSubtotal[currency] : undefined;
    if (minimumText === undefined) {
      n.explain('discount', `no referee discount: the program sets no minimum for ${currency}, so ${currency} orders get none`, effect);
      continue;
    }
    const minimum = parseMajorUnits(minimumText, currency);
    if (eligibleSubtotal < minimum) {
      n.explain('discount', `no referee discount: eligible subtotal ${n.money(eligibleSubtotal)} is below the minimum ${n.money(minimum)}`, effect);
      continue;
    }
    const percent = parseDecimal(params.percent);
    let amount = percentOf(eligibleSubtotal, currency, percent, 'half-even');
    let message = `referee discount ${decimalToString(percent)}% of ${n.money(eligibleSubtotal)} = ${n.money(amount)} (half-even)`;
    const capText = params.maxDiscount[currency];
    const cap = capText === undefined ? undefined : parseMajorUnits(capText, currency);
    if (cap !== undefined && amount > cap) {
      message += `, capped at ${n.money(cap)}`;
      amount = cap;
    }
    n.explain('discount', message, effect);
    if (!best || amount > best.amount) best = { amount, effect };
  }
  if (!best) return 0n;

  const block = n.effectsOf('block-referral-discount')[0];
  if (block) {
    n.explain('stacking', `referee discount ${n.money(best.amount)} removed: ${String(block.params.reason)}`, block);
    return 0n;
  }
  let amount = best.amount;
  for (const cap of n.effectsOf('max-total-discount')) {
    const percent = parseDecimal(cap.params.percentOfSubtotal as number);
    const limit = percentOf(subtotal, currency, percent, 'floor');
    const room = maxBigInt(0n, limit - shopDiscountTotal);
    if (amount > room) {
      n.explain('stacking', `referee discount reduced from ${n.money(amount)} to ${n.money(room)}: all discounts together may not exceed ${decimalToString(percent)}% of the subtotal (${n.money(limit)}), and the shop's own discounts are ${n.money(shopDiscountTotal)}`, cap);
      amount = room;
    }
  }
  return amount;
}

function computeReferrerRewards(input: PurchaseInput, selected: SelectedRules, result: RewardResult, n: Narration): void {
  const referrerId = result.referral.referrerId!;
  const { currency } = result;
  const budgets = new BudgetTracker(input.context.campaignSpent ?? {}, selected);

  const cashbackRule = n.effectsOf('referrer-cashback')[0];
  if (cashbackRule) {
    const tier = bestTier(n.effectsOf('tier'));
    if (!tier) {
      n.explain('tier', 'no cashback: no tier matches this referrer', cashbackRule);
    } else {
      result.tier = { name: String(tier.effect.params.tier), cashbackPercent: decimalToString(tier.percent) };
      n.explain('tier', `tier ${result.tier.name} (${input.context.referrer?.successfulReferrals ?? 0} successful referrals): ${result.tier.cashbackPercent}% cashback`, tier.effect);
      const base = maxBigInt(0n, result.eligibleSubtotal - result.shopDiscountTotal - result.refereeDiscount);
      const rate = { units: tier.percent.units, scale: tier.percent.scale + 2 };
      const normal = scaleBy(base, currency, rate, 'floor');
      addReward(result, { role: 'referrer', beneficiaryId: referrerId, kind: 'cashback', amount: normal, currency, rounding: 'floor' });
      n.explain('cashback', `cashback ${result.tier.cashbackPercent}% of eligible net ${n.money(base)} = ${n.money(normal)} (floor)`, cashbackRule);

      const multiplier = bestMultiplier(n.effectsOf('cashback-multiplier'));
      if (multiplier) {
        const campaignId = multiplier.effect.file.content.id;
        const boosted = scaleBy(base, currency, multiplyDecimal(rate, multiplier.factor), 'floor');
        const extra = budgets.take(campaignId, currency, boosted - normal, n, multiplier.effect, 'money');
        addReward(result, { role: 'referrer', beneficiaryId: referrerId, kind: 'campaign-cashback', amount: extra, currency, rounding: 'floor', campaignId });
        n.explain('campaign', `${campaignName(multiplier.effect)}: cashback ×${decimalToString(multiplier.factor)} adds ${n.money(extra)}`, multiplier.effect);
      }
    }
  }

  if (!cashbackRule) {
    n.explain('cashback', 'no cashback: no referrer-cashback rule applies to this order (for example, it falls outside the cashback period after the first order)');
  }

  for (const bonus of n.effectsOf('bonus-points')) {
    const campaignId = bonus.file.content.policy === 'campaign' ? bonus.file.content.id : undefined;
    const requested = BigInt(bonus.params.points as number);
    const points = campaignId ? budgets.take(campaignId, POINTS, requested, n, bonus, 'points') : requested;
    addReward(result, { role: 'referrer', beneficiaryId: referrerId, kind: 'bonus-points', amount: points, currency: POINTS, rounding: 'floor', ...(campaignId ? { campaignId } : {}) });
    n.explain('campaign', `${campaignName(bonus)}: ${points} bonus points for the referrer, confirmed when this referral becomes successful`, bonus);
  }
  result.campaignSpend = budgets.spent();
}

function addReward(result: RewardResult, line: RewardLine): void {
  if (line.amount <= 0n) return;
  const same = result.rewards.find((r) => r.kind === line.kind && r.currency === line.currency && r.campaignId === line.campaignId);
  if (same) same.amount += line.amount;
  else result.rewards.push(line);
}

function bestTier(effects: FiredEffect[]): { effect: FiredEffect; percent: Decimal } | undefined {
  let best: { effect: FiredEffect; percent: Decimal } | undefined;
  for (const effect of effects) {
    const percent = parseDecimal(effect.params.cashbackPercent as number);
    if (!best || compareDecimal(percent, best.percent) > 0) best = { effect, percent };
  }
  return best;
}

/** Multipliers from overlapping campaigns do not compound: the largest one applies. */
function bestMultiplier(effects: FiredEffect[]): { effect: FiredEffect; factor: Decimal } | undefined {
  let best: { effect: FiredEffect; factor: Decimal } | undefined;
  for (const effect of effects) {
    const factor = parseDecimal(effect.params.factor as number);
    if (!best || compareDecimal(factor, best.factor) > 0) best = { effect, factor };
  }
  return best;
}

function campaignName(effect: FiredEffect): string {
  return effect.file.content.campaign?.name ?? effect.file.content.id;
}

function ruleRef(effect: FiredEffect): FiredRuleRef {
  return { file: effect.file.file, id: effect.file.content.id, version: effect.file.content.version, rule: effect.rule };
}

/**
 * Campaign budgets: what a campaign may still add, given what was spent
 * before this order. A campaign with a budget and no entry for a currency adds
 * nothing in it. The worker reserves `spent()` under a row lock, so the total
 * never exceeds the budget under concurrency.
 */
class BudgetTracker {
  private readonly taken = new Map<string, CampaignSpend>();

  constructor(
    private readonly spentBefore: Record<string, Record<string, number>>,
    private readonly selected: SelectedRules,
  ) {}

  take(campaignId: string, currency: string, requested: bigint, n: Narration, effect: FiredEffect, unit: 'money' | 'points'): bigint {
    if (requested <= 0n) return 0n;
    const budget = this.selected.campaigns.find((c) => c.file.content.id === campaignId)?.file.content.campaign?.budget;
    let granted = requested;
    if (budget) {
      const limitText = Object.hasOwn(budget, currency) ? budget[currency] : undefined;
      const limit = limitText === undefined ? 0n : parseMajorUnits(limitText, currency);
      const key = `${campaignId}|${currency}`;
      const already = BigInt(this.spentBefore[campaignId]?.[currency] ?? 0) + (this.taken.get(key)?.amount ?? 0n);
      const remaining = maxBigInt(0n, limit - already);
      granted = minBigInt(requested, remaining);
      if (limitText === undefined) n.explain('campaign', `the campaign has no budget for ${currency}, so it adds nothing in ${currency}`, effect);
      else if (granted < requested) n.explain('campaign', `campaign budget for ${currency}: ${n.amount(remaining, unit)} left, so it adds ${n.amount(granted, unit)} instead of ${n.amount(requested, unit)}`, effect);
    }
    if (granted > 0n) {
      const key = `${campaignId}|${currency}`;
      const entry = this.taken.get(key) ?? { campaignId, currency, amount: 0n };
      entry.amount += granted;
      this.taken.set(key, entry);
    }
    return granted;
  }

  spent(): CampaignSpend[] {
    return [...this.taken.values()];
  }
}
