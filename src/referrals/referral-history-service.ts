import type { CursorPosition } from '../api/cursor.ts';
import type { RuleRegistry } from '../rules/rule-registry.ts';
import { maskUserId } from './mask-user-id.ts';
import type { ReferralCodeService } from './referral-code-service.ts';
import type { ReferralHistoryStore } from './referral-history-store.ts';
import type { ShareLinks } from './share-links.ts';
import { tierProgress, type TierProgress } from './tier-progress.ts';

/** Purchases shown per referee: enough to see how the friend is doing without paging inside a page. */
const PURCHASES_PER_REFEREE = 10;

export interface ReferralHistoryEntry {
  referee: string;
  referredAt: Date;
  source: 'code' | 'link';
  code: string;
  status: 'pending' | 'successful' | 'void';
  successfulAt: Date | null;
  purchases: Array<{ occurredAt: Date; status: string; firstOrder: boolean }>;
  purchaseCount: number;
}

export interface ReferralHistoryPage {
  userId: string;
  code: { code: string; link: string; qrCodeUrl: string } | null;
  progress: TierProgress;
  referrals: ReferralHistoryEntry[];
  next?: CursorPosition;
}

/** A referrer's page: code and link, tier and progress, and the referees (masked) with their purchases. */
export class ReferralHistoryService {
  constructor(
    private readonly store: ReferralHistoryStore,
    private readonly codes: ReferralCodeService,
    private readonly links: ShareLinks,
    private readonly rules: RuleRegistry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async page(userId: string, limit: number, after?: CursorPosition): Promise<ReferralHistoryPage> {
    const [code, successful, rows] = await Promise.all([
      this.codes.findForUser(userId),
      this.store.countSuccessful(userId),
      this.store.list(userId, limit + 1, PURCHASES_PER_REFEREE, after),
    ]);
    const pageRows = rows.slice(0, limit);
    const tiers = this.rules.get().select(this.now().getTime()).policies.get('tiers');
    const last = pageRows.at(-1);
    return {
      userId,
      code: code ? { code: code.code, link: this.links.link(code.code), qrCodeUrl: this.links.qrCodeUrl(code.code) } : null,
      progress: tierProgress(tiers, successful),
      referrals: pageRows.map((row) => ({
        referee: maskUserId(row.refereeId),
        referredAt: row.boundAt,
        source: row.source,
        code: row.code,
        status: row.status,
        successfulAt: row.successfulAt,
        purchases: row.purchases.map((p) => ({ occurredAt: p.occurredAt, status: p.status, firstOrder: p.isFirstOrder })),
        purchaseCount: row.purchaseCount,
      })),
      ...(rows.length > limit && last ? { next: { time: last.cursorTime, id: last.refereeId } } : {}),
    };
  }
}
