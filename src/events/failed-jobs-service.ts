import type { Job } from 'bullmq';
import { DomainError } from '../domain-error.ts';
import type { EventInboxStore } from './event-inbox-store.ts';
import { EVENT_JOB, type EventQueue } from './event-queue.ts';

export interface FailedJob {
  id: string;
  eventId: string | null;
  name: string;
  failedReason: string;
  attemptsMade: number;
  finishedAt: string | null;
}

/** Jobs that exhausted their attempts (or failed at once), for the admin endpoints. */
export class FailedJobsService {
  constructor(
    private readonly queue: EventQueue,
    private readonly inbox: EventInboxStore,
  ) {}

  async list(offset: number, limit: number): Promise<FailedJob[]> {
    const jobs = await this.queue.queue.getFailed(offset, offset + limit - 1);
    return jobs.filter((job): job is Job => job !== undefined).map((job) => ({
      id: String(job.id),
      eventId: job.data.eventId ?? null,
      name: job.name,
      failedReason: job.failedReason,
      attemptsMade: job.attemptsMade,
      finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    }));
  }

  /**
   * Puts the event back to 'accepted' and the job back in the queue with fresh
   * attempts. A job BullMQ already removed is enqueued anew from the inbox.
   */
  async retry(id: string): Promise<{ id: string; requeued: 'retried' | 'enqueued' }> {
    const job = await this.queue.queue.getJob(id);
    const eventId = job?.data.eventId ?? id;
    const event = await this.inbox.get(eventId);
    if (!job && (!event || event.status !== 'failed')) throw new DomainError(`no failed job with id ${id}`, 'not-found');
    if (event && event.status === 'failed') await this.inbox.setStatus(eventId, 'accepted', null);
    if (job) {
      if (!(await job.isFailed())) throw new DomainError(`job ${id} is not failed (it is ${await job.getState()})`, 'conflict');
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return { id, requeued: 'retried' };
    }
    await this.queue.queue.add(EVENT_JOB, { eventId }, { jobId: eventId });
    return { id, requeued: 'enqueued' };
  }
}
