import type { Transactions, Tx } from '../transactions';

/**
 * Transactions for unit tests of services: `work` runs with a placeholder transaction (repository fakes ignore
 * it) and nothing is committed or rolled back. `opened` counts the transactions the service asked for.
 */
export function fakeTransactions(): Transactions & { opened: number } {
  const tx = {} as Tx;
  const fake = {
    opened: 0,
    run<T>(work: (t: Tx) => Promise<T>): Promise<T> {
      fake.opened += 1;
      return work(tx);
    },
  };
  return fake as unknown as Transactions & { opened: number };
}
