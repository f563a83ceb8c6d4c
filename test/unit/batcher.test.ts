import { describe, expect, it } from 'vitest';
import { allOrNothing, Batcher } from '../../src/db/batcher.ts';

/** A runner that records each batch it was given and doubles numbers; 13 makes the whole batch fail. */
function recordingRunner() {
  const batches: number[][] = [];
  const run = async (inputs: readonly number[]) => {
    batches.push([...inputs]);
    if (inputs.includes(13)) throw new Error('unlucky');
    return inputs.map((n) => n * 2);
  };
  return { batches, run };
}

describe('Batcher', () => {
  it('runs what was added in one turn as one batch, each caller getting its own result', async () => {
    const { batches, run } = recordingRunner();
    const batcher = new Batcher(allOrNothing(run));
    const results = await Promise.all([1, 2, 3].map((n) => batcher.add(n)));
    expect(results).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch in the next turn', async () => {
    const { batches, run } = recordingRunner();
    const batcher = new Batcher(allOrNothing(run));
    expect(await batcher.add(1)).toBe(2);
    expect(await batcher.add(2)).toBe(4);
    expect(batches).toEqual([[1], [2]]);
  });

  it('sends a full batch at once, without waiting for the turn to end', async () => {
    const { batches, run } = recordingRunner();
    const batcher = new Batcher(allOrNothing(run), { maxBatch: 2 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('when a batch fails, runs each input on its own so only the failing one is rejected', async () => {
    const { batches, run } = recordingRunner();
    const batcher = new Batcher(allOrNothing(run));
    const results = await Promise.allSettled([1, 13, 3].map((n) => batcher.add(n)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([2, 'unlucky', 6]);
    expect(batches).toEqual([[1, 13, 3], [1], [13], [3]]);
  });

  it('rejects every caller when the runner answers with the wrong number of results', async () => {
    const batcher = new Batcher(allOrNothing(async (inputs: readonly number[]) => inputs.slice(1)));
    const results = await Promise.allSettled([1, 2].map((n) => batcher.add(n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
