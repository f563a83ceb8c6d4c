import type { Knex } from 'knex';
import { parseMajorUnits } from '../money/money.ts';
import type { CampaignSpend } from '../engine/reward-result.ts';
import type { SelectedRules } from '../rules/rule-set.ts';

/**
 * Campaign budgets in PostgreSQL. A purchase locks the budget rows it may
 * draw on before the calculator runs and adds what it took before committing,
 * so concurrent workers see each other's spend and never oversell a budget.
 */
export class CampaignBudgetStore {
  /**
   * Locks (creating from the rule file when missing) the budget rows of the
   * campaigns in force for these currencies, in key order so two purchases
   * never wait on each other crosswise. Returns spent per campaign and currency.
   */
  async lock(selected: SelectedRules, currencies: readonly string[], db: Knex.Transaction): Promise<Record<string, Record<string, number>>> {
    const rows: Array<{ campaign_id: string; currency: string; budget: string }> = [];
    for (const { file } of selected.campaigns) {
      const budget = file.content.campaign?.budget;
      if (!budget) continue;
      for (const currency of currencies) {
        const limit = Object.hasOwn(budget, currency) ? budget[currency] : undefined;
        if (limit !== undefined) rows.push({ campaign_id: file.content.id, currency, budget: parseMajorUnits(limit, currency).toString() });
      }
    }
    const spent: Record<string, Record<string, number>> = {};
    if (rows.length === 0) return spent;
    rows.sort((a, b) => `${a.campaign_id}|${a.currency}`.localeCompare(`${b.campaign_id}|${b.currency}`));
    await db('campaign_budgets').insert(rows).onConflict(['campaign_id', 'currency']).ignore();
    const locked: Array<{ campaign_id: string; currency: string; spent: bigint }> = await db('campaign_budgets')
      .whereIn(['campaign_id', 'currency'], rows.map((r) => [r.campaign_id, r.currency]))
      .orderBy([{ column: 'campaign_id' }, { column: 'currency' }])
      .forUpdate()
      .select('campaign_id', 'currency', 'spent');
    for (const row of locked) (spent[row.campaign_id] ??= {})[row.currency] = Number(row.spent);
    return spent;
  }

  /** Every campaign budget with its spend, minor units (for the metrics scrape). */
  async list(db: Knex): Promise<Array<{ campaignId: string; currency: string; budget: bigint; spent: bigint }>> {
    const rows: Array<{ campaign_id: string; currency: string; budget: bigint | string; spent: bigint | string }> = await db('campaign_budgets').select('campaign_id', 'currency', 'budget', 'spent');
    return rows.map((row) => ({ campaignId: row.campaign_id, currency: row.currency, budget: BigInt(row.budget), spent: BigInt(row.spent) }));
  }

  /**
   * Adds the spend of a purchase or of a batch's purchases. The budget column follows the rule file in force
   * (a marketer may raise it); the calculator already capped the spend at it,
   * and the table's CHECK (spent <= budget) is the last line of defence.
   */
  async add(spend: readonly CampaignSpend[], selected: SelectedRules, db: Knex.Transaction): Promise<void> {
    // One update per campaign and currency, however many purchases of a batch drew on it.
    const totals = new Map<string, CampaignSpend>();
    for (const s of spend) {
      const key = `${s.campaignId}\u0000${s.currency}`;
      const total = totals.get(key);
      totals.set(key, total ? { ...total, amount: total.amount + s.amount } : s);
    }
    for (const s of totals.values()) {
      if (s.amount <= 0n) continue;
      const text = selected.campaigns.find((c) => c.file.content.id === s.campaignId)?.file.content.campaign?.budget?.[s.currency];
      const update: Record<string, unknown> = { spent: db.raw('spent + ?', [s.amount.toString()]) };
      if (text !== undefined) update.budget = parseMajorUnits(text, s.currency).toString();
      await db('campaign_budgets').where({ campaign_id: s.campaignId, currency: s.currency }).update(update);
    }
  }
}
