/** Runs one batch: one settled result per input, in the order of `inputs`. */
export type BatchRunner<In, Out> = (inputs: readonly In[]) => Promise<ReadonlyArray<PromiseSettledResult<Out>>>;

export interface BatcherOptions {
  /**
   * A batch is sent as soon as it holds this many inputs, without waiting; it bounds how long one
   * statement runs (and so the latency of its first caller). @defaultValue 32
   */
  maxBatch?: number;
  /** Batches running at once; inputs arriving meanwhile wait and gather. @defaultValue Infinity */
  maxInFlight?: number;
  /**
   * How long a partial batch waits for more inputs. 0: until the end of the current turn of the
   * event loop (`setImmediate`), i.e. what arrived together goes together. @defaultValue 0
   */
  lingerMs?: number;
  /**
   * When the runner throws for a batch of several inputs: run each input on its own, so an input
   * that makes the batch fail fails only its own caller ('each-alone'), or reject every caller of
   * the batch ('reject-all', for runners that already isolate their inputs). @defaultValue 'each-alone'
   */
  onBatchError?: 'each-alone' | 'reject-all';
}

interface Entry<In, Out> {
  input: In;
  resolve: (out: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers inputs that arrive close together and runs them as one batch: one
 * round trip, one statement, one transaction for many callers, each of whom
 * still gets its own result or error. Used where per-call round trips, not the
 * work, were the cost: the checkout quote's context reads (a turn's quotes share
 * one statement) and the worker's purchase events (the jobs running at once
 * share one transaction, EventBatcher). At low load a batch holds one input and
 * adds no wait beyond the turn (or lingerMs).
 */
export class Batcher<In, Out> {
  private pending: Array<Entry<In, Out>> = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly lingerMs: number;
  private readonly onBatchError: 'each-alone' | 'reject-all';

  constructor(
    private readonly run: BatchRunner<In, Out>,
    options: BatcherOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 32);
    this.maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
    this.lingerMs = options.lingerMs ?? 0;
    this.onBatchError = options.onBatchError ?? 'each-alone';
  }

  add(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.pump();
    });
  }

  /** Sends full batches at once; a partial one when its wait is over and a slot is free. */
  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.pending.length >= this.maxBatch) this.send(this.pending.splice(0, this.maxBatch));
    // With every slot taken, the next batch to finish pumps again.
    if (this.pending.length === 0 || this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    const fire = () => {
      this.scheduled = false;
      if (this.inFlight < this.maxInFlight && this.pending.length > 0) this.send(this.pending.splice(0, this.maxBatch));
      this.pump();
    };
    if (this.lingerMs > 0) setTimeout(fire, this.lingerMs);
    else setImmediate(fire);
  }

  private send(batch: Array<Entry<In, Out>>): void {
    this.inFlight += 1;
    void this.settle(batch).finally(() => {
      this.inFlight -= 1;
      this.pump();
    });
  }

  private async settle(batch: Array<Entry<In, Out>>): Promise<void> {
    try {
      const results = await this.run(batch.map((entry) => entry.input));
      if (results.length !== batch.length) throw new Error(`batch of ${batch.length} returned ${results.length} results`);
      batch.forEach((entry, i) => {
        const result = results[i]!;
        if (result.status === 'fulfilled') entry.resolve(result.value);
        else entry.reject(result.reason);
      });
    } catch (error) {
      if (batch.length === 1 || this.onBatchError === 'reject-all') {
        for (const entry of batch) entry.reject(error);
        return;
      }
      await Promise.all(batch.map((entry) => this.settle([entry])));
    }
  }
}

/** A runner for a function that answers a batch with one value per input (or throws for the batch). */
export function allOrNothing<In, Out>(run: (inputs: readonly In[]) => Promise<readonly Out[]>): BatchRunner<In, Out> {
  return async (inputs) => (await run(inputs)).map((value) => ({ status: 'fulfilled', value }) as const);
}
