import { DomainError } from '../domain-error.ts';
import type { RewardLedgerStore, RewardView } from '../rewards/reward-ledger-store.ts';
import type { EventInboxStore, InboxStatus } from './event-inbox-store.ts';

export interface EventStatus {
  id: string;
  type: string;
  orderId: string;
  status: InboxStatus;
  failureReason: string | null;
  receivedAt: string;
  /** Rewards this event granted (a purchase) or reversed (a refund, a cancel), with their balances now. */
  rewards: RewardView[];
}

export class EventStatusService {
  constructor(
    private readonly inbox: EventInboxStore,
    private readonly ledger: RewardLedgerStore,
  ) {}

  async get(id: string): Promise<EventStatus> {
    const event = await this.inbox.get(id);
    if (!event) throw new DomainError(`no event with id ${id}`, 'not-found');
    const rewards = event.status === 'processed' ? await this.ledger.forEvent(id) : [];
    return { id: event.id, type: event.type, orderId: event.orderId, status: event.status, failureReason: event.failureReason, receivedAt: event.receivedAt.toISOString(), rewards };
  }
}
