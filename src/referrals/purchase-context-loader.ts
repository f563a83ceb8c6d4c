import type { Knex } from 'knex';
import { preparedQuery } from '../db/prepared-query.ts';
import { allOrNothing, Batcher } from '../db/batcher.ts';
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
  // 16 rather than Batcher's 32: the same quote throughput at 50 connections, within this machine's
  // noise, and a lower p99 in the quiet runs (26-27 ms against 29-32): a smaller batch's slowest lookup waits less.
  private readonly batcher = new Batcher<PurchaseLookup, PurchaseContext>(
    allOrNothing((lookups) => this.loadMany(lookups, this.knex)),
    { maxBatch: 16 },
  );

  constructor(private readonly knex: Knex) {}

  /**
   * Everything evaluatePurchase needs besides the order; works inside a transaction when given one.
   * `settings` is part of the contract so the lookup may bound itself by the program later; today
   * every window is applied by the engine.
   *
   * One round trip to the purchase_context function: on the checkout path the round trips and the
   * planning, not the lookups, were the cost (see the migration that defines it). Outside a
   * transaction, loads that arrive in the same turn of the event loop share that round trip
   * (Batcher, through loadMany): under load that halved a quote's cost besides Express. Each
   * still gets what it would alone: same function, read in one snapshot taken after it was asked.
   */
  async load(lookup: PurchaseLookup, _settings: ReferralSettings, db: Db = this.knex): Promise<PurchaseContext> {
    if (db === this.knex) return this.batcher.add(lookup);
    // Inside a transaction: the same statement as the batches, for one lookup, on its connection.
    return (await this.loadMany([lookup], db))[0]!;
  }

  /**
   * The contexts of several purchases in one round trip, in the order given (the event worker's
   * batches). Each is what `load` would return for that lookup at this point of the transaction:
   * the function runs once per lookup, all against the same snapshot.
   */
  async loadMany(lookups: readonly PurchaseLookup[], db: Db): Promise<PurchaseContext[]> {
    if (lookups.length === 0) return [];
    // One JSON parameter, whatever the batch size: knex would expand arrays into one binding per element.
    const input = lookups.map((lookup, n) => ({
      n,
      u: lookup.userId,
      at: new Date(lookup.occurredAt).toISOString(),
      code: lookup.referralCode ? canonicalCode(lookup.referralCode) : null,
      visitor: lookup.visitorId ?? null,
      order_id: lookup.orderId ?? null,
      signals: signalRows(lookup.signals),
    }));
    const values = [JSON.stringify(input)];
    // Outside a transaction (the quote) as a prepared statement on a pooled connection; inside one (the worker) on its connection.
    const rows =
      db === this.knex
        ? await preparedQuery<ContextRow>(this.knex, 'purchase-contexts', CONTEXTS_QUERY, values)
        : (await db.raw<{ rows: ContextRow[] }>(CONTEXTS_QUERY.replace('$1', '?'), values)).rows;
    if (rows.length !== lookups.length) throw new Error(`purchase_context returned ${rows.length} rows for ${lookups.length} lookups`);
    return rows.map(contextOf);
  }
}

/** One purchase_context row as the engine's PurchaseContext. */
function contextOf(row: ContextRow): PurchaseContext {
  const count = Number(row.prior_count);
  const referee = { priorOrderCount: count, firstOrderAt: count > 0 && row.first_order_at ? iso(row.first_order_at) : null };
  const campaignSpent = spentOf(row.budgets);
  const candidate = candidateOf(row);
  if (!candidate) return { referral: null, referee, referrer: null, campaignSpent };
  const referrerSignals = signalsOf(row.signals);
  const referral: ReferralCandidate = { ...candidate, ...(referrerSignals ? { referrerSignals } : {}) };
  return { referral, referee, referrer: { successfulReferrals: Number(row.successful) }, campaignSpent };
}

interface ContextRow {
  kind: 'bound' | 'code' | 'link' | null;
  referrer_id: string | null;
  code: string | null;
  source: 'code' | 'link' | null;
  clicked_at: Date | null;
  bound_at: Date | null;
  prior_count: number | string;
  first_order_at: Date | null;
  successful: number | string | null;
  signals: Array<{ kind: string; value: string }> | null;
  budgets: Array<{ campaign_id: string; currency: string; spent: number | string }> | null;
}

/**
 * The function (migration 20261125000000, which holds the lookups and their cached plans) once per
 * lookup, all in one statement and one snapshot, in the order given.
 */
const CONTEXTS_QUERY = `SELECT c.* FROM jsonb_to_recordset($1::jsonb) AS t(n int, u text, at timestamptz, code text, visitor text, order_id text, signals jsonb)
  CROSS JOIN LATERAL purchase_context(t.u, t.at, t.code, t.visitor, t.order_id, t.signals) c
  ORDER BY t.n`;

function candidateOf(row: ContextRow): ReferralCandidate | null {
  if (!row.kind || !row.referrer_id) return null;
  if (row.kind === 'bound') {
    return {
      referrerId: row.referrer_id,
      source: row.source!,
      code: row.code!,
      boundAt: iso(row.bound_at!),
      ...(row.source === 'link' && row.clicked_at ? { clickedAt: iso(row.clicked_at) } : {}),
    };
  }
  if (row.kind === 'code') return { referrerId: row.referrer_id, source: 'code', code: row.code! };
  return { referrerId: row.referrer_id, source: 'link', code: row.code!, clickedAt: iso(row.clicked_at!) };
}

/** The referrer's own signals equal to this order's, so the engine's sameEmail/sameDevice/samePayment fire. */
function signalsOf(rows: ContextRow['signals']): FraudSignals | undefined {
  if (!rows || rows.length === 0) return undefined;
  const found: FraudSignals = {};
  for (const row of rows) {
    if (row.kind === 'email') found.email = row.value;
    else if (row.kind === 'device') found.deviceFingerprint = row.value;
    else if (row.kind === 'payment') found.paymentFingerprint = row.value;
  }
  return found;
}

function spentOf(rows: ContextRow['budgets']): Record<string, Record<string, number>> {
  const spent: Record<string, Record<string, number>> = {};
  for (const row of rows ?? []) (spent[row.campaign_id] ??= {})[row.currency] = Number(row.spent);
  return spent;
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
