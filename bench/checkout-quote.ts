import { randomBytes } from 'node:crypto';
import { prng } from './purchase-generator.ts';
import type { BenchDatabase } from './support/bench-database.ts';
import { startChild } from './support/child-process.ts';
import { BENCH_REDIS_URL, obliterateQueue } from './support/queue-cleanup.ts';
import { load, type LoadFigures, type LoadRequest } from './support/http-load.ts';
import { QUOTE_DATA, seedQuoteData } from './support/seed-quote-data.ts';

export interface CheckoutQuoteFigures {
  codes: number;
  quote: LoadFigures;
  constant: LoadFigures;
  /** quote req/s ÷ constant endpoint req/s, same process setup, same run. */
  ratio: number;
  failures: number;
}

const CATEGORIES = ['shoes', 'books', 'electronics', 'toys', 'gift-cards'];
const code = (n: number) => `R${String(n).padStart(7, '0')}`;

/** Varied carts: new users with a code or a link click, users with history, bound referees, unknown codes, fraud signals. */
export function quoteBodies(count: number, seed = 6): string[] {
  const random = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    const roll = random.next();
    const referrer = 1 + random.int(QUOTE_DATA.codes);
    const at = new Date(Date.parse('2026-06-01T00:00:00Z') + random.int(214 * 86_400_000)).toISOString();
    const items = Array.from({ length: 1 + random.int(4) }, (_, k) => ({ sku: `sku-${k}`, category: random.pick(CATEGORIES), unitPrice: 500 + random.int(20_000), quantity: 1 + random.int(3) }));
    const body: Record<string, unknown> = { currency: random.next() < 0.8 ? 'USD' : 'EUR', items, discounts: random.next() < 0.3 ? [{ code: 'SAVE10', kind: 'coupon', amount: 300 }] : [], at };
    if (roll < 0.3) Object.assign(body, { userId: `new-${i}`, referralCode: code(referrer).toLowerCase() });
    else if (roll < 0.5) Object.assign(body, { userId: `new-${i}`, visitorId: `v${random.int(QUOTE_DATA.clicks / 2)}` });
    else if (roll < 0.7) Object.assign(body, { userId: `u${1 + random.int(QUOTE_DATA.historyUsers)}`, referralCode: code(referrer) });
    else if (roll < 0.9) Object.assign(body, { userId: `u${200_001 + random.int(QUOTE_DATA.boundReferees)}` });
    else Object.assign(body, { userId: `new-${i}`, referralCode: 'NOSUCHCODE' });
    if (random.next() < 0.2) body.signals = { email: random.next() < 0.5 ? `user${referrer}@example.com` : `shopper${i}@example.com` };
    return JSON.stringify(body);
  });
}

/**
 * POST /v1/checkout/quote at 50 connections against PostgreSQL holding the
 * generated codes and history, beside POST /bench/constant in the same child
 * process (same createApp middleware, parses the body, answers a constant).
 * Rounds alternate so noise hits both alike; the best round of each counts.
 */
export async function benchCheckoutQuote(db: BenchDatabase, options: { seconds?: number; rounds?: number } = {}): Promise<CheckoutQuoteFigures> {
  await seedQuoteData(db.knex);
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const server = await startChild('bench/servers/bench-http-server.ts', {
    DATABASE_URL: db.url,
    REDIS_URL: BENCH_REDIS_URL,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    API_KEYS: '',
    NODE_ENV: 'development',
  }, { profile: true });
  try {
    const apiPort = server.ready.apiPort as number;
    const baselinePort = server.ready.baselinePort as number;
    const bodies = quoteBodies(2000);
    const quoteRequests: LoadRequest[] = bodies.map((body) => ({ method: 'POST', path: '/v1/checkout/quote', body }));
    const constantRequests: LoadRequest[] = bodies.map((body) => ({ method: 'POST', path: '/bench/constant', body }));
    // Warm up JIT, pools and PostgreSQL's buffers.
    await load(apiPort, quoteRequests, { seconds: 3 });
    await load(baselinePort, constantRequests, { seconds: 2 });
    const quotes: LoadFigures[] = [];
    const constants: LoadFigures[] = [];
    for (let round = 0; round < (options.rounds ?? 2); round++) {
      constants.push(await load(baselinePort, constantRequests, { seconds: options.seconds ?? 8 }));
      quotes.push(await load(apiPort, quoteRequests, { seconds: options.seconds ?? 8 }));
    }
    const best = (runs: LoadFigures[]) => runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
    const quote = best(quotes);
    const constant = best(constants);
    const failures = [...quotes, ...constants].reduce((sum, run) => sum + run.failures, 0);
    return { codes: QUOTE_DATA.codes, quote, constant, ratio: quote.requestsPerSecond / constant.requestsPerSecond, failures };
  } finally {
    await server.stop();
    await obliterateQueue(prefix);
  }
}
