import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { InProcessDispatcher } from '../../src/events/in-process-dispatcher.ts';
import type { AttemptInfo, EventProcessor } from '../../src/events/event-processor.ts';
import { createLogger } from '../../src/logger.ts';
import type { RewardLifecycleService } from '../../src/rewards/reward-lifecycle-service.ts';

/** A processor that records calls and fails as scripted per event id. */
class FakeProcessor {
  readonly calls: Array<{ id: string; attempt: AttemptInfo }> = [];
  running = 0;
  maxRunning = 0;
  constructor(private readonly script: Record<string, Array<'ok' | 'retry' | 'fatal'>> = {}) {}

  async handle(id: string, attempt: AttemptInfo): Promise<'processed'> {
    this.calls.push({ id, attempt });
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.running -= 1;
    const outcome = this.script[id]?.shift() ?? 'ok';
    if (outcome === 'retry') throw new Error('database hiccup');
    if (outcome === 'fatal') throw new UnrecoverableError('no rule set in force');
    return 'processed';
  }
}

const lifecycle = { confirmDue: async () => ({ confirmed: 0, successfulReferrals: 0 }) } as unknown as RewardLifecycleService;

function dispatcher(processor: FakeProcessor, attempts = 3) {
  return new InProcessDispatcher(processor as unknown as EventProcessor, lifecycle, createLogger('silent'), { attempts, backoffMs: 5 });
}

async function settle(d: InProcessDispatcher): Promise<void> {
  for (;;) {
    await d.idle();
    const counts = await d.counts();
    if (counts.waiting + counts.active + counts.delayed === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('InProcessDispatcher', () => {
  it('runs events one at a time, in the order handed over', async () => {
    const processor = new FakeProcessor();
    const d = dispatcher(processor);
    await d.enqueue(['a', 'b']);
    await d.enqueue(['c']);
    await settle(d);
    expect(processor.calls.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(processor.maxRunning).toBe(1);
  });

  it('takes an event once while it waits or is being retried, like a BullMQ job id', async () => {
    const processor = new FakeProcessor({ a: ['retry'] });
    const d = dispatcher(processor);
    await d.enqueue(['a', 'a']);
    await d.enqueue(['a']);
    await settle(d);
    expect(processor.calls.map((c) => c.attempt.attemptsMade)).toEqual([0, 1]);
    // Done: a later hand-over (the recovery loop, a client's retry) runs it again, and the database decides.
    await d.enqueue(['a']);
    await settle(d);
    expect(processor.calls).toHaveLength(3);
  });

  it('retries a failed attempt with backoff, without holding up the events behind it', async () => {
    const processor = new FakeProcessor({ a: ['retry', 'retry'] });
    const d = dispatcher(processor);
    await d.enqueue(['a', 'b']);
    await settle(d);
    expect(processor.calls.map((c) => `${c.id}${c.attempt.attemptsMade}`)).toEqual(['a0', 'b0', 'a1', 'a2']);
    expect(processor.calls.every((c) => c.attempt.maxAttempts === 3)).toBe(true);
  });

  it('stops after the last attempt, and at once on an unrecoverable error', async () => {
    const processor = new FakeProcessor({ a: ['retry', 'retry', 'retry', 'retry'], b: ['fatal'] });
    const d = dispatcher(processor, 3);
    await d.enqueue(['a', 'b']);
    await settle(d);
    expect(processor.calls.filter((c) => c.id === 'a')).toHaveLength(3);
    expect(processor.calls.filter((c) => c.id === 'b')).toHaveLength(1);
  });

  it('after close takes nothing and drops pending retries; the inbox keeps those events for the next start', async () => {
    const processor = new FakeProcessor({ a: ['retry'] });
    const d = dispatcher(processor);
    await d.enqueue(['a']);
    await d.idle();
    await d.close();
    expect(await d.enqueue(['b'])).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(processor.calls.map((c) => c.id)).toEqual(['a']);
    expect(await d.counts()).toEqual({ waiting: 0, active: 0, delayed: 0 });
  });
});
