import { DomainError } from '../domain-error.ts';
import type { EventDispatcher } from './event-dispatcher.ts';
import type { EventInboxStore } from './event-inbox-store.ts';
import { EVENT_JOB } from './event-queue.ts';
import type { FailedJob } from './failed-jobs-service.ts';

/**
 * The admin's failed jobs when events are processed in-process: there is no
 * queue to ask, so they are the inbox's failed events (the reason is stored
 * with each), and a retry hands the event to the dispatcher again.
 */
export class InboxFailedJobs {
  constructor(
    private readonly inbox: EventInboxStore,
    private readonly dispatcher: EventDispatcher,
  ) {}

  async list(offset: number, limit: number): Promise<FailedJob[]> {
    const events = await this.inbox.failed(offset, limit);
    return events.map((event) => ({ id: event.id, eventId: event.id, name: EVENT_JOB, failedReason: event.failureReason ?? '', attemptsMade: event.attempts, finishedAt: null }));
  }

  async retry(id: string): Promise<{ id: string; requeued: 'retried' | 'enqueued' }> {
    const event = await this.inbox.get(id);
    if (!event || event.status !== 'failed') throw new DomainError(`no failed job with id ${id}`, 'not-found');
    await this.inbox.setStatus(id, 'accepted', null);
    await this.dispatcher.enqueue([id]);
    return { id, requeued: 'enqueued' };
  }
}
