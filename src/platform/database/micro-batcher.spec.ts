import { MicroBatcher } from './micro-batcher';

/** A fake statement: records each batch it ran, answers items doubled, fails on request. */
function recorder(failWhen: (items: number[]) => Error | undefined = () => undefined) {
  const batches: number[][] = [];
  const run = async (items: number[]) => {
    batches.push(items);
    await new Promise((r) => setTimeout(r, 5));
    const err = failWhen(items);
    if (err) throw err;
    return items.map((n) => n * 2);
  };
  return { batches, run };
}

const dataError = (message: string) => Object.assign(new Error(message), { code: '23505' });

describe('MicroBatcher', () => {
  it('runs the calls of one event-loop turn as one batch, answering each caller its own result', async () => {
    const { batches, run } = recorder();
    const batcher = new MicroBatcher(run, { maxBatch: 100, maxInFlight: 1 });
    const results = await Promise.all([1, 2, 3, 4].map((n) => batcher.submit(n)));
    expect(results).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('caps the batch size and the batches in flight; the rest wait and run in later batches', async () => {
    const { batches, run } = recorder();
    const batcher = new MicroBatcher(run, { maxBatch: 3, maxInFlight: 1 });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => batcher.submit(i)));
    expect(results).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
    expect(batches.map((b) => b.length)).toEqual([3, 3, 2]);
  });

  it('never puts two items with one key in the same batch, nor in two batches at once', async () => {
    let running = 0;
    let overlapped = false;
    const seen: number[][] = [];
    const batcher = new MicroBatcher(
      async (items: number[]) => {
        seen.push(items);
        running += items.filter((n) => n % 10 === 7).length;
        if (running > 1) overlapped = true;
        await new Promise((r) => setTimeout(r, 5));
        running -= items.filter((n) => n % 10 === 7).length;
        return items;
      },
      { maxBatch: 100, maxInFlight: 4, keyOf: (n) => String(n % 10) },
    );
    await Promise.all([7, 1, 17, 2, 27].map((n) => batcher.submit(n)));
    for (const batch of seen) expect(batch.filter((n) => n % 10 === 7).length).toBeLessThanOrEqual(1);
    expect(overlapped).toBe(false);
    expect(seen.flat().sort((a, b) => a - b)).toEqual([1, 2, 7, 17, 27]);
  });

  it('fails only the item whose data the statement refused, running its batch-mates one by one', async () => {
    const { batches, run } = recorder((items) => (items.includes(13) ? dataError('bad row') : undefined));
    const batcher = new MicroBatcher(run, { maxBatch: 100, maxInFlight: 1, itemError: (e) => (e as { code?: string }).code === '23505' });
    const settled = await Promise.allSettled([11, 12, 13].map((n) => batcher.submit(n)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((settled[2] as PromiseRejectedResult).reason.message).toBe('bad row');
    expect(batches).toEqual([[11, 12, 13], [11], [12], [13]]);
  });

  it("fails the whole batch at once on an error that is not one item's (an outage), without retrying item by item", async () => {
    const { batches, run } = recorder(() => new Error('connection terminated'));
    const batcher = new MicroBatcher(run, { maxBatch: 100, maxInFlight: 1, itemError: () => false });
    const settled = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(settled.every((s) => s.status === 'rejected' && s.reason.message === 'connection terminated')).toBe(true);
    expect(batches).toHaveLength(1);
  });

  it('rejects an item the statement answered with an Error in its place, and resolves the others', async () => {
    const batcher = new MicroBatcher(async (items: number[]) => items.map((n) => (n === 2 ? new Error('no row') : n)), {
      maxBatch: 100,
      maxInFlight: 1,
    });
    const settled = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('keeps working after a failed batch', async () => {
    let fail = true;
    const batcher = new MicroBatcher(
      async (items: number[]) => {
        if (fail) throw new Error('down');
        return items;
      },
      { maxBatch: 100, maxInFlight: 1 },
    );
    await expect(batcher.submit(1)).rejects.toThrow('down');
    fail = false;
    await expect(batcher.submit(2)).resolves.toBe(2);
  });
});

describe('MicroBatcher with a linger', () => {
  it('waits for calls of later turns to join a batch that is not full', async () => {
    const { batches, run } = recorder();
    const batcher = new MicroBatcher(run, { maxBatch: 10, maxInFlight: 1, lingerMs: 20 });
    const first = batcher.submit(1);
    await new Promise((r) => setImmediate(r));
    const second = batcher.submit(2);
    await expect(Promise.all([first, second])).resolves.toEqual([2, 4]);
    expect(batches).toEqual([[1, 2]]);
  });
});
