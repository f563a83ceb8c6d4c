import type { Knex } from 'knex';
import { normalizeEmail } from '../engine/normalize-email.ts';
import type { FraudSignals, PurchaseContext, ReferralCandidate } from '../engine/purchase-input.ts';
import type { ReferralSettings } from '../rules/rule-file.ts';
import { canonicalCode } from './referral-code-generator.ts';

/** What identifies a purchase for the context lookup: the order as checkout or the event reports it. */
export interface PurchaseLookup {
  userId: string;
  /** ISO 8601 with offset: history is read as it stood at this instant. */
  occurredAt: string;
  /** The code typed at checkout, any case. */
  referralCode?: string;
  /** The `rvid` cookie value the shop passes on. */
  visitorId?: string;
  signals?: FraudSignals;
  /** The order itself, when it is already stored (the event worker): left out of the prior-order count. */
  orderId?: string;
}

type Db = Knex | Knex.Transaction;

/**
 * Reads everything evaluatePurchase needs besides the order: the bound
 * referral or the candidate (code entered, else the visitor's latest click),
 * the referee's order history, the referrer's successful referrals and the
 * referrer's fraud signals that match the order's, and campaign spend.
 *
 * It decides nothing: the attribution window, "not a new referee" and
 * self-referral are the engine's rules, so a quote and the purchase event
 * explain them the same way.
 */
export class PurchaseContextLoader {
  constructor(private readonly knex: Knex) {}

  /**
   * Everything evaluatePurchase needs besides the order; works inside a transaction when given one.
   * `settings` is part of the contract so the lookup may bound itself by the program later; today
   * every window is applied by the engine.
   */
  async load(lookup: PurchaseLookup, _settings: ReferralSettings, db: Db = this.knex): Promise<PurchaseContext> {
    const at = new Date(lookup.occurredAt);
    // Sequential on purpose: a transaction is one connection, and pg deprecates overlapping queries on it.
    const candidate = await this.referral(lookup, at, db);
    const referee = await this.refereeHistory(lookup, at, db);
    const campaignSpent = await this.campaignSpent(db);
    if (!candidate) return { referral: null, referee, referrer: null, campaignSpent };
    const successfulReferrals = await this.successfulReferrals(candidate.referrerId, at, db);
    const referrerSignals = await this.matchingSignals(candidate.referrerId, lookup.signals, db);
    const referral: ReferralCandidate = { ...candidate, ...(referrerSignals ? { referrerSignals } : {}) };
    return { referral, referee, referrer: { successfulReferrals }, campaignSpent };
  }

  private async referral(lookup: PurchaseLookup, at: Date, db: Db): Promise<ReferralCandidate | null> {
    const bound = await db('referrals').where({ referee_id: lookup.userId }).first('referrer_id', 'code', 'source', 'clicked_at', 'bound_at');
    if (bound) {
      return {
        referrerId: bound.referrer_id,
        source: bound.source,
        code: bound.code,
        boundAt: iso(bound.bound_at),
        ...(bound.source === 'link' && bound.clicked_at ? { clickedAt: iso(bound.clicked_at) } : {}),
      };
    }
    if (lookup.referralCode) {
      const code = await db('referral_codes').where({ code: canonicalCode(lookup.referralCode), active: true }).first('code', 'user_id');
      if (code) return { referrerId: code.user_id, source: 'code', code: code.code };
    }
    if (lookup.visitorId) {
      // Any age: the engine applies the attribution window and explains an expired click.
      const click = await db('link_clicks as c')
        .join('referral_codes as r', 'r.code', 'c.code')
        .where('c.visitor_id', lookup.visitorId)
        .andWhere('c.clicked_at', '<=', at)
        .andWhere('r.active', true)
        .orderBy([{ column: 'c.clicked_at', order: 'desc' }, { column: 'c.id', order: 'desc' }])
        .first('c.code', 'c.clicked_at', 'r.user_id');
      if (click) return { referrerId: click.user_id, source: 'link', code: click.code, clickedAt: iso(click.clicked_at) };
    }
    return null;
  }

  private async refereeHistory(lookup: PurchaseLookup, at: Date, db: Db): Promise<PurchaseContext['referee']> {
    const query = db('orders').where('user_id', lookup.userId).andWhere('occurred_at', '<', at);
    if (lookup.orderId) query.andWhereNot('order_id', lookup.orderId);
    const row = await query.first(db.raw('count(*)::int AS count'), db.raw('min(occurred_at) AS first'));
    const count = Number(row?.count ?? 0);
    return { priorOrderCount: count, firstOrderAt: count > 0 && row?.first ? iso(row.first) : null };
  }

  private async successfulReferrals(referrerId: string, at: Date, db: Db): Promise<number> {
    const row = await db('referrals')
      .where({ referrer_id: referrerId, status: 'successful' })
      .andWhere('successful_at', '<=', at)
      .first(db.raw('count(*)::int AS count'));
    return Number(row?.count ?? 0);
  }

  /** The referrer's own signals equal to this order's, so the engine's sameEmail/sameDevice/samePayment fire. */
  private async matchingSignals(referrerId: string, signals: FraudSignals | undefined, db: Db): Promise<FraudSignals | undefined> {
    const wanted = signalRows(signals);
    if (wanted.length === 0) return undefined;
    const rows: Array<{ kind: string; value: string }> = await db('user_signals')
      .where('user_id', referrerId)
      .andWhere((q) => {
        for (const { kind, value } of wanted) q.orWhere({ kind, value });
      })
      .select('kind', 'value');
    if (rows.length === 0) return undefined;
    const found: FraudSignals = {};
    for (const row of rows) {
      if (row.kind === 'email') found.email = row.value;
      else if (row.kind === 'device') found.deviceFingerprint = row.value;
      else if (row.kind === 'payment') found.paymentFingerprint = row.value;
    }
    return found;
  }

  private async campaignSpent(db: Db): Promise<Record<string, Record<string, number>>> {
    const rows: Array<{ campaign_id: string; currency: string; spent: bigint }> = await db('campaign_budgets').select('campaign_id', 'currency', 'spent');
    const spent: Record<string, Record<string, number>> = {};
    for (const row of rows) (spent[row.campaign_id] ??= {})[row.currency] = Number(row.spent);
    return spent;
  }
}

/** The rows user_signals holds for an order's signals: emails normalized, fingerprints as given. */
export function signalRows(signals: FraudSignals | undefined): Array<{ kind: 'email' | 'device' | 'payment'; value: string }> {
  const rows: Array<{ kind: 'email' | 'device' | 'payment'; value: string }> = [];
  if (signals?.email) rows.push({ kind: 'email', value: normalizeEmail(signals.email) });
  if (signals?.deviceFingerprint) rows.push({ kind: 'device', value: signals.deviceFingerprint });
  if (signals?.paymentFingerprint) rows.push({ kind: 'payment', value: signals.paymentFingerprint });
  return rows;
}

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
