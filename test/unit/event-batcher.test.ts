import { describe, expect, it } from 'vitest';
import { EventBatcher } from '../../src/events/event-batcher.ts';
import type { AttemptInfo, EventProcessor } from '../../src/events/event-processor.ts';
import type { ProcessResult } from '../../src/events/purchase-processor.ts';

const FIRST: AttemptInfo = { attemptsMade: 0, maxAttempts: 3 };

type Items = ReadonlyArray<{ eventId: string; attempt: AttemptInfo }>;

/**
 * Stands in for EventProcessor (the batcher calls nothing but handleMany). It records each batch
 * and how many were in its hands at once; an event id starting with "bad" is rejected by itself,
 * a batch holding "boom" fails whole. `hold` keeps batches open until `release` is called.
 */
function fakeProcessor(options: { hold?: boolean } = {}) {
  const batches: string[][] = [];
  let running = 0;
  let maxRunning = 0;
  const gates: Array<() => void> = [];
  const processor = {
    async handleMany(items: Items): Promise<Array<PromiseSettledResult<ProcessResult>>> {
      batches.push(items.map((item) => item.eventId));
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      try {
        if (options.hold) await new Promise<void>((resolve) => gates.push(resolve));
        else await new Promise((resolve) => setImmediate(resolve));
        if (items.some((item) => item.eventId === 'boom')) throw new Error('the batch fell over');
        return items.map((item) =>
          item.eventId.startsWith('bad') ? { status: 'rejected', reason: new Error(`${item.eventId} is bad`) } : { status: 'fulfilled', value: 'processed' as const },
        );
      } finally {
        running -= 1;
      }
    },
  };
  return {
    processor: processor as unknown as EventProcessor,
    batches,
    maxRunning: () => maxRunning,
    /** Lets every batch waiting so far finish. */
    release() {
      for (const open of gates.splice(0)) open();
    },
    waitingBatches: () => gates.length,
  };
}

/** Lets pending promise callbacks and timers of 0 ms run. */
const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('EventBatcher', () => {
  it('settles each caller with its own event’s answer, a rejection beside a result in the same batch', async () => {
    const fake = fakeProcessor();
    const batcher = new EventBatcher(fake.processor, { concurrency: 4, maxInFlight: 2 });
    const answers = await Promise.allSettled(['a', 'bad-b'].map((id) => batcher.handle(id, FIRST)));
    expect(fake.batches).toEqual([['a', 'bad-b']]);
    expect(answers[0]).toEqual({ status: 'fulfilled', value: 'processed' });
    expect(answers[1]).toMatchObject({ status: 'rejected', reason: { message: 'bad-b is bad' } });
  });

  it('with concurrency 8 and 2 batches in flight, 8 calls in one tick make two batches of 4, in call order', async () => {
    const fake = fakeProcessor();
    const batcher = new EventBatcher(fake.processor, { concurrency: 8, maxInFlight: 2 });
    const ids = Array.from({ length: 8 }, (_, i) => `e${i}`);
    const answers = await Promise.all(ids.map((id) => batcher.handle(id, FIRST)));
    expect(answers).toEqual(ids.map(() => 'processed'));
    expect(fake.batches).toEqual([ids.slice(0, 4), ids.slice(4)]);
  });

  it('sends a lone event by itself once it has lingered', async () => {
    const fake = fakeProcessor();
    const batcher = new EventBatcher(fake.processor, { concurrency: 16, lingerMs: 5 });
    await expect(batcher.handle('alone', FIRST)).resolves.toBe('processed');
    expect(fake.batches).toEqual([['alone']]);
  });

  it('rejects every caller of a batch whose handleMany throws, and only those', async () => {
    const fake = fakeProcessor();
    const batcher = new EventBatcher(fake.processor, { concurrency: 4, maxInFlight: 2 });
    const ids = ['a', 'boom', 'b', 'c', 'd', 'e'];
    const answers = await Promise.allSettled(ids.map((id) => batcher.handle(id, FIRST)));
    expect(fake.batches).toEqual([['a', 'boom'], ['b', 'c'], ['d', 'e']]);
    expect(answers.slice(0, 2)).toEqual([
      { status: 'rejected', reason: expect.objectContaining({ message: 'the batch fell over' }) },
      { status: 'rejected', reason: expect.objectContaining({ message: 'the batch fell over' }) },
    ]);
    expect(answers.slice(2)).toEqual(ids.slice(2).map(() => ({ status: 'fulfilled', value: 'processed' })));
  });

  it('never has more than maxInFlight batches out at once; the rest wait and are all sent in the end', async () => {
    const fake = fakeProcessor({ hold: true });
    const batcher = new EventBatcher(fake.processor, { concurrency: 6, maxInFlight: 2, lingerMs: 1 });
    const ids = Array.from({ length: 20 }, (_, i) => `e${i}`);
    const settled = Promise.all(ids.map((id) => batcher.handle(id, FIRST)));
    // Long enough for the linger timer to have fired several times over: still only two batches out.
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fake.waitingBatches()).toBe(2);
    while (fake.batches.flat().length < ids.length || fake.waitingBatches() > 0) {
      fake.release();
      await turn();
    }
    expect(await settled).toEqual(ids.map(() => 'processed'));
    expect(fake.maxRunning()).toBe(2);
    // Each id sent exactly once, in call order; full batches of 3 (= ceil(6 / 2)) except perhaps the last.
    expect(fake.batches.flat()).toEqual(ids);
    expect(fake.batches.slice(0, -1).every((batch) => batch.length === 3)).toBe(true);
  });
});
