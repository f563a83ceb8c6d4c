import { randomBytes } from 'node:crypto';
import { DemoError, DemoHttp } from './demo-http.ts';
import { money, pairs, section, table, type Out } from './demo-format.ts';

export interface DemoOptions {
  /** The running service, e.g. "http://localhost:3000". */
  baseUrl: string;
  /** An admin (or checkout) key when the service has API_KEYS. */
  apiKey?: string;
  out: Out;
  /** How long to wait for an event to be processed. @defaultValue 30000 */
  waitMs?: number;
}

/** What the demo did, for its test. */
export interface DemoSummary {
  alice: string;
  friend: string;
  code: string;
  orderId: string;
  quotedCashback: number;
  purchaseStatus: string;
  refundStatus: string;
}

interface Reward {
  kind: string;
  currency: string;
  amount: number;
  pending: number;
  confirmed: number;
  reversed: number;
  beneficiaryId?: string;
  holdUntil?: string;
}

interface EventStatus {
  status: string;
  failureReason: string | null;
  rewards: Reward[];
}

const CART = {
  currency: 'USD',
  items: [
    { sku: 'TRAIL-RUNNER-42', category: 'shoes', unitPrice: 8990, quantity: 1 },
    { sku: 'MERINO-SOCKS', category: 'socks', unitPrice: 1290, quantity: 2 },
  ],
  discounts: [] as unknown[],
};

/**
 * The whole story against a running service, with real HTTP calls: Alice's
 * code, a friend following the link, the quote, the purchase, Alice's
 * history, a partial refund. Ids are fresh each run, so it can run again.
 * @throws DemoError with a message for the person running it.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const { out } = options;
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const http = new DemoHttp(baseUrl, options.apiKey);
  const run = randomBytes(3).toString('hex');
  const alice = `alice-${run}`;
  const friend = `friend-${run}`;

  out(`Referral reward engine demo against ${baseUrl} (run ${run})`);
  await http.get('/healthz');
  const ready = await http.raw('/readyz');
  const readiness = (await ready.json().catch(() => ({}))) as { checks?: Record<string, string> };
  const checks = Object.entries(readiness.checks ?? {}).map(([name, state]) => `${name}: ${state}`);
  pairs(out, [['ready', `${ready.status === 200 ? 'yes' : 'NOT READY'}  (${checks.join(' · ')})`]]);

  section(out, '1. Alice gets her referral code');
  const created = await http.post<{ code: string; link: string; qrCodeUrl: string }>('/v1/referral-codes', { userId: alice });
  const { code, link, qrCodeUrl } = created.body;
  pairs(out, [
    ['POST /v1/referral-codes', String(created.status)],
    ['user', alice],
    ['code', code],
    ['share link', link],
    ['QR code', qrCodeUrl],
  ]);

  section(out, '2. A friend follows the link');
  const click = await http.raw(`/r/${encodeURIComponent(code)}`, { redirect: 'manual' });
  const cookie = click.headers.getSetCookie().find((c) => c.startsWith('rvid='));
  const visitorId = cookie ? decodeURIComponent(cookie.slice('rvid='.length).split(';')[0]!) : undefined;
  pairs(out, [
    [`GET /r/${code}`, String(click.status)],
    ['Location', click.headers.get('location') ?? '(none)'],
    ['visitor cookie', cookie ? cookie.split(';')[0]! : '(none set)'],
  ]);
  out('  The shop reads the rvid cookie and sends it as visitorId with the quote and the purchase.');
  if (click.status !== 302 || !visitorId) throw new DemoError(`the share link answered ${click.status} without a visitor cookie; expected a 302 with Set-Cookie rvid=…`);

  section(out, "3. Checkout quotes the friend's first cart");
  const quote = (await http.post<QuoteAnswer>('/v1/checkout/quote', { userId: friend, visitorId, ...CART })).body;
  table(
    out,
    ['item', 'qty', 'price'],
    CART.items.map((item) => [item.sku, String(item.quantity), money(item.unitPrice * item.quantity, CART.currency)]),
  );
  out('');
  pairs(out, [
    ['subtotal', money(quote.subtotal, quote.currency)],
    ['referral discount', `-${money(quote.refereeDiscount, quote.currency)}`],
    ['total to pay', money(quote.total, quote.currency)],
    ['Alice would earn', `${money(quote.referrerCashback, quote.currency)} cashback${quote.tier ? ` (${quote.tier.name}, ${quote.tier.cashbackPercent}%)` : ''}`],
    ['referral', quote.referral.present ? `from ${quote.referral.referrerId} by ${quote.referral.source}${quote.referral.blockedReason ? `, blocked: ${quote.referral.blockedReason}` : ''}` : 'none'],
    ['rule files', quote.ruleFiles.map((file) => `${file.id}@${file.version}`).join(', ')],
  ]);
  out('  Why:');
  for (const line of quote.explanation) out(`    ${`[${line.step}]`.padEnd(14)} ${line.message}`);

  section(out, '4. The friend buys; checkout reports the purchase');
  const orderId = `order-${run}`;
  const purchase = { id: `purchase-${run}`, type: 'purchase.completed', orderId, userId: friend, visitorId, occurredAt: new Date().toISOString(), ...CART };
  const posted = await http.post<{ statusUrl: string }>('/v1/events', purchase);
  pairs(out, [
    ['POST /v1/events', `${posted.status} (stored; processed in the background)`],
    ['status URL', posted.body.statusUrl],
  ]);
  const processed = await waitUntilDone(http, posted.body.statusUrl, options.waitMs ?? 30_000);
  pairs(out, [['status', processed.status]]);
  rewardTable(out, processed.rewards, ['amount', 'pending']);

  section(out, "5. Alice's history");
  const referrals = (await http.get<ReferralsAnswer>(`/v1/users/${alice}/referrals`)).body;
  const history = (await http.get<RewardsAnswer>(`/v1/users/${alice}/rewards`)).body;
  pairs(out, [
    ['tier', referrals.tier ? `${referrals.tier.name} (${referrals.tier.cashbackPercent}% cashback)` : 'none yet'],
    ['successful referrals', `${referrals.successfulReferrals} (a friend counts once the first order is past the hold without refund)`],
    ['next tier', referrals.nextTier ? `${referrals.nextTier.name} after ${referrals.nextTier.referralsNeeded} more` : 'top tier'],
    ['friends', referrals.referrals.map((r) => `${r.referee} via ${r.source}, ${r.status}`).join('; ') || 'none'],
  ]);
  out('');
  balanceTable(out, history.balances);

  section(out, '6. The friend returns the socks: a partial refund');
  const refund = { id: `refund-${run}`, type: 'purchase.refunded', orderId, occurredAt: new Date().toISOString(), items: [{ sku: 'MERINO-SOCKS', quantity: 2 }] };
  const refundPosted = await http.post<{ statusUrl: string }>('/v1/events', refund);
  pairs(out, [
    ['POST /v1/events', `${refundPosted.status} purchase.refunded, 2 × MERINO-SOCKS (${money(2 * 1290, 'USD')} at list price)`],
  ]);
  const refunded = await waitUntilDone(http, refundPosted.body.statusUrl, options.waitMs ?? 30_000);
  pairs(out, [['status', refunded.status]]);
  out('  Rewards reversed in proportion to what came back:');
  rewardTable(out, refunded.rewards, ['amount', 'pending', 'reversed']);
  out('');
  balanceTable(out, (await http.get<RewardsAnswer>(`/v1/users/${alice}/rewards`)).body.balances);

  section(out, '7. Where to look next');
  pairs(out, [
    ['API reference', `${baseUrl}/docs  (every endpoint, with examples; try them in the browser)`],
    ['metrics', `${baseUrl}/metrics  (Prometheus)`],
    ['queue dashboard', `${baseUrl}/admin/queues  (with BullMQ; admin key as the password)`],
    ['rule versions', `${baseUrl}/v1/rules/versions  (admin)`],
  ]);
  const metrics = await (await http.raw('/metrics')).text();
  const interesting = metrics.split('\n').filter((line) => /^(events_(accepted|processed|failed)_total|rewards_granted(_minor_units)?_total)\{/.test(line));
  if (interesting.length > 0) {
    out('  From /metrics now:');
    for (const line of interesting) out(`    ${line}`);
  }
  out('');
  return { alice, friend, code, orderId, quotedCashback: quote.referrerCashback, purchaseStatus: processed.status, refundStatus: refunded.status };
}

async function waitUntilDone(http: DemoHttp, statusUrl: string, waitMs: number): Promise<EventStatus> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { body } = await http.get<EventStatus>(statusUrl);
    if (body.status === 'processed') return body;
    if (body.status === 'failed') throw new DemoError(`the event failed: ${body.failureReason ?? 'no reason recorded'}`);
    if (Date.now() > deadline) {
      throw new DemoError(
        `the event is still "${body.status}" after ${Math.round(waitMs / 1000)} s. With REDIS_URL set the server only queues events: is a worker running ("npm run worker")?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function rewardTable(out: Out, rewards: readonly Reward[], columns: ReadonlyArray<'amount' | 'pending' | 'confirmed' | 'reversed'>): void {
  if (rewards.length === 0) {
    out('  (no rewards)');
    return;
  }
  table(
    out,
    ['reward', 'for', ...columns],
    rewards.map((r) => [r.kind, r.beneficiaryId ?? '', ...columns.map((column) => money(r[column], r.currency))]),
  );
}

function balanceTable(out: Out, balances: RewardsAnswer['balances']): void {
  table(
    out,
    ['balance', 'pending', 'confirmed', 'reversed'],
    balances.map((b) => [b.kind, money(b.pending, b.currency), money(b.confirmed, b.currency), money(b.reversed, b.currency)]),
  );
}

interface QuoteAnswer {
  currency: string;
  subtotal: number;
  refereeDiscount: number;
  total: number;
  referrerCashback: number;
  tier?: { name: string; cashbackPercent: string };
  referral: { present: boolean; referrerId?: string; source?: string; blockedReason?: string };
  ruleFiles: Array<{ id: string; version: number }>;
  explanation: Array<{ step: string; message: string }>;
}

interface ReferralsAnswer {
  tier: { name: string; cashbackPercent: string } | null;
  successfulReferrals: number;
  nextTier: { name: string; referralsNeeded: number } | null;
  referrals: Array<{ referee: string; source: string; status: string }>;
}

interface RewardsAnswer {
  balances: Array<{ kind: string; currency: string; pending: number; confirmed: number; reversed: number }>;
}
