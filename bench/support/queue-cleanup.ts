import { obliterateQueue as obliterate } from '../../test/support/queue-cleanup.ts';

export const BENCH_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Removes every key of a bench queue: the bench leaves Redis as it found it. */
export function obliterateQueue(prefix: string, name?: string): Promise<void> {
  return obliterate(BENCH_REDIS_URL, prefix, name);
}
