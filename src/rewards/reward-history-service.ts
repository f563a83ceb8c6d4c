import type { CursorPosition } from '../api/cursor.ts';
import { maskUserId } from '../referrals/mask-user-id.ts';
import type { BalanceRecord, Bucket, RewardHistoryStore, RewardRecord } from './reward-history-store.ts';

export interface RewardHistoryEntry extends Omit<RewardRecord, 'cursorTime' | 'refereeId'> {
  /** The referee whose order earned it, masked. */
  referee: string | null;
  /** Where the reward's amount is now: pending while any of it is held, confirmed once none is, reversed when all of it was taken back. */
  status: Bucket;
}

export interface RewardHistoryPage {
  userId: string;
  balances: BalanceRecord[];
  rewards: RewardHistoryEntry[];
  next?: CursorPosition;
}

/** A beneficiary's rewards, newest first, with ledger balances per kind and currency. */
export class RewardHistoryService {
  constructor(private readonly store: RewardHistoryStore) {}

  async page(userId: string, limit: number, after?: CursorPosition, status?: Bucket): Promise<RewardHistoryPage> {
    const [balances, rows] = await Promise.all([this.store.balances(userId), this.store.list(userId, limit + 1, after, status)]);
    const pageRows = rows.slice(0, limit);
    const last = pageRows.at(-1);
    return {
      userId,
      balances,
      rewards: pageRows.map(({ cursorTime: _cursor, refereeId, ...reward }) => ({ ...reward, referee: refereeId ? maskUserId(refereeId) : null, status: statusOf(reward) })),
      ...(rows.length > limit && last ? { next: { time: last.cursorTime, id: last.id } } : {}),
    };
  }
}

export function statusOf(amounts: { pending: bigint; confirmed: bigint; reversed: bigint }): Bucket {
  if (amounts.pending > 0n) return 'pending';
  if (amounts.confirmed > 0n) return 'confirmed';
  return amounts.reversed > 0n ? 'reversed' : 'pending';
}
