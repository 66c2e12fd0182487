export interface MicroBatcherOptions<T> {
  /** Items per batch at most; more wait for the next one. */
  maxBatch: number;
  /** Batches running at once; further items wait and join larger batches. */
  maxInFlight: number;
  /**
   * Items with the same key never run at the same time: not in one batch (a statement may touch a row only
   * once) and not in two batches in flight (two statements would each see the other's row as it was).
   */
  keyOf?: (item: T) => string;
  /**
   * How long a batch that is not full waits for more items, in ms (0: only the current event-loop turn). For
   * background work, where a few ms of wait buys fewer, larger statements.
   */
  lingerMs?: number;
  /** Errors that may come from one item alone: the batch then runs again item by item. */
  itemError?: (err: unknown) => boolean;
}

interface Waiting<T, R> {
  item: T;
  key?: string;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Gathers the calls made in one event-loop turn into one batch. Under load one statement (one round trip, one
 * parse, one commit) serves many callers; alone, a call runs at once. `run` answers one result per item, in
 * order; an Error in place of a result fails that item alone. When a batch throws an error that one item's
 * data can cause (`itemError`), its items run again one by one, so that only that item fails.
 */
export class MicroBatcher<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private scheduled = false;
  private inFlight = 0;
  private readonly busyKeys = new Set<string>();

  constructor(
    private readonly run: (items: T[]) => Promise<(R | Error)[]>,
    private readonly options: MicroBatcherOptions<T>,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, key: this.options.keyOf?.(item), resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      void this.flush();
    };
    const linger = this.options.lingerMs ?? 0;
    if (linger > 0 && this.waiting.length < this.options.maxBatch) setTimeout(go, linger);
    else setImmediate(go);
  }

  /** A batch failed by one item's data runs again item by item, so that the bad item fails alone. */
  private async runIsolated(items: T[]): Promise<(R | Error)[]> {
    try {
      const results = await this.run(items);
      if (results.length !== items.length) throw new Error(`a batch of ${items.length} answered ${results.length} results`);
      return results;
    } catch (err) {
      if (items.length === 1 || !this.options.itemError?.(err)) return items.map(() => toError(err));
      const results: (R | Error)[] = [];
      for (const item of items) results.push(...(await this.runIsolated([item])));
      return results;
    }
  }

  private async flush(): Promise<void> {
    const batch: Waiting<T, R>[] = [];
    const rest: Waiting<T, R>[] = [];
    const keys: string[] = [];
    for (const w of this.waiting) {
      const free = w.key === undefined || !this.busyKeys.has(w.key);
      if (batch.length < this.options.maxBatch && free) {
        if (w.key !== undefined) {
          this.busyKeys.add(w.key);
          keys.push(w.key);
        }
        batch.push(w);
      } else rest.push(w);
    }
    this.waiting = rest;
    if (batch.length === 0) return;
    this.inFlight++;
    this.schedule();
    try {
      const results = await this.runIsolated(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const result = results[i];
        if (result instanceof Error) w.reject(result);
        else w.resolve(result);
      });
    } finally {
      for (const key of keys) this.busyKeys.delete(key);
      this.inFlight--;
      this.schedule();
    }
  }
}
