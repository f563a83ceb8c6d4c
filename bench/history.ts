import { randomBytes } from 'node:crypto';
import { prng } from './purchase-generator.ts';
import type { BenchDatabase } from './support/bench-database.ts';
import { startChild } from './support/child-process.ts';
import { BENCH_REDIS_URL, obliterateQueue } from './support/queue-cleanup.ts';
import { load, type LoadFigures, type LoadRequest } from './support/http-load.ts';
import { LEDGER_DATA, seedLedger } from './support/seed-ledger.ts';

export interface HistoryFigures {
  ledgerRows: number;
  rewardRows: number;
  entryRows: number;
  rewards: { path: string; load: LoadFigures };
  referrals: { path: string; load: LoadFigures };
  primaryKey: LoadFigures;
  failures: number;
}

/**
 * Who asks for their history: mostly ordinary referrers, one request in ten
 * from one of the heavy ones (5,000 referees, 20,000 rewards, ~35,000 ledger
 * entries each), some asking for a second page.
 */
function historyPaths(kind: 'rewards' | 'referrals', count: number): LoadRequest[] {
  const random = prng(kind === 'rewards' ? 3 : 5);
  return Array.from({ length: count }, () => {
    const user = random.next() < 0.1 ? `hr${random.int(LEDGER_DATA.heavyReferrers)}` : `r${random.int(LEDGER_DATA.referrers)}`;
    return { method: 'GET' as const, path: `/v1/users/${user}/${kind}?limit=20` };
  });
}

/**
 * GET /v1/users/:id/rewards and /referrals over 10,000,000 ledger rows,
 * beside GET /bench/rewards/:id (a primary-key lookup on the same rewards
 * table) in the same child process, same 50 connections, one after the other.
 */
export async function benchHistory(db: BenchDatabase, options: { seconds?: number } = {}): Promise<HistoryFigures> {
  return measureHistory(db, await seedLedger(db.knex), options);
}

/** The measurement alone, on a database already holding the generated ledger. */
export async function measureHistory(db: BenchDatabase, { rewards: rewardRows, entries: entryRows }: { rewards: number; entries: number }, options: { seconds?: number } = {}): Promise<HistoryFigures> {
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const server = await startChild(
    'bench/servers/bench-http-server.ts',
    { DATABASE_URL: db.url, REDIS_URL: BENCH_REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', API_KEYS: '', NODE_ENV: 'development' },
    { profile: true },
  );
  try {
    const apiPort = server.ready.apiPort as number;
    const baselinePort = server.ready.baselinePort as number;
    const random = prng(7);
    const pk: LoadRequest[] = Array.from({ length: 5000 }, () => ({ method: 'GET', path: `/bench/rewards/${1 + random.int(rewardRows)}` }));
    const rewards = historyPaths('rewards', 5000);
    const referrals = historyPaths('referrals', 5000);
    const seconds = options.seconds ?? 8;
    // Warm-up: JIT, pools, and the index pages every contender reads.
    await load(baselinePort, pk, { seconds: 3 });
    await load(apiPort, rewards, { seconds: 3 });
    await load(apiPort, referrals, { seconds: 3 });
    const primaryKey = await load(baselinePort, pk, { seconds });
    const rewardsLoad = await load(apiPort, rewards, { seconds });
    const referralsLoad = await load(apiPort, referrals, { seconds });
    const failures = primaryKey.failures + rewardsLoad.failures + referralsLoad.failures;
    return {
      ledgerRows: rewardRows + entryRows,
      rewardRows,
      entryRows,
      rewards: { path: '/v1/users/:id/rewards', load: rewardsLoad },
      referrals: { path: '/v1/users/:id/referrals', load: referralsLoad },
      primaryKey,
      failures,
    };
  } finally {
    await server.stop();
    await obliterateQueue(prefix);
  }
}
