/** Runs one batch: the results in the order of `inputs`, exactly one per input. */
export type BatchRunner<In, Out> = (inputs: readonly In[]) => Promise<readonly Out[]>;

export interface TickBatcherOptions {
  /**
   * A batch is sent as soon as it holds this many inputs, without waiting for the turn to end;
   * it bounds how long one statement runs (and so the latency of its first caller).
   * @defaultValue 32
   */
  maxBatch?: number;
}

/**
 * Gathers the inputs added during one turn of the event loop and runs them as
 * one batch (at `setImmediate`, i.e. after the requests read in this turn were
 * handled). Under load, many checkout requests reach their database read in
 * the same turn: one round trip for all of them costs one write, one wake-up
 * of the PostgreSQL backend and one pooled connection instead of one each,
 * and those, not the lookups, were most of a quote's cost (docs/performance.md).
 * At low load a batch holds one input and adds no wait beyond the turn.
 *
 * When a batch of several fails, each input is run again on its own, so an
 * input that makes the statement fail fails only its own caller.
 */
export class TickBatcher<In, Out> {
  private pending: Array<{ input: In; resolve: (out: Out) => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;
  private readonly maxBatch: number;

  constructor(
    private readonly run: BatchRunner<In, Out>,
    options: TickBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 32;
  }

  add(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    void this.settle(batch);
  }

  private async settle(batch: TickBatcher<In, Out>['pending']): Promise<void> {
    try {
      const outputs = await this.run(batch.map((entry) => entry.input));
      if (outputs.length !== batch.length) throw new Error(`batch of ${batch.length} returned ${outputs.length} results`);
      batch.forEach((entry, i) => entry.resolve(outputs[i]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(batch.map((entry) => this.settle([entry])));
    }
  }
}
