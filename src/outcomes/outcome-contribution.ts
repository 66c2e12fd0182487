/** How one outcome counts in the fix statistics: pure, so the service and the simulation share it. */

export type OutcomeSignal = 'agent' | 'status' | 'csat';
export type Attribution = 'agent' | 'applied' | 'suggested';

/** A fix the agent named or whose tag was applied is sure; the suggested one only probably was used. */
export const ATTRIBUTION_WEIGHT: Record<Attribution, number> = { agent: 1, applied: 1, suggested: 0.5 };

export interface OutcomeFacts {
  readonly macroId: string;
  readonly resolved: boolean;
  readonly weight: number;
  readonly causeId: string | null;
  readonly symptomIds: readonly string[];
}

export interface StatsDelta {
  readonly dimension: 'symptom' | 'cause';
  readonly key: string;
  readonly macroId: string;
  readonly successes: number;
  readonly failures: number;
}

/** The counts one outcome adds: under each of the ticket's symptoms and under its cause. */
export function contribution(o: OutcomeFacts, sign: 1 | -1 = 1): StatsDelta[] {
  const successes = o.resolved ? sign * o.weight : 0;
  const failures = o.resolved ? 0 : sign * o.weight;
  const rows: StatsDelta[] = [...new Set(o.symptomIds)].map((key) => ({
    dimension: 'symptom' as const,
    key,
    macroId: o.macroId,
    successes,
    failures,
  }));
  if (o.causeId) rows.push({ dimension: 'cause', key: o.causeId, macroId: o.macroId, successes, failures });
  return rows;
}

/** What replacing an outcome (or adding a first one) changes, netted per cell; empty when nothing changes. */
export function replacementDelta(previous: OutcomeFacts | null, next: OutcomeFacts): StatsDelta[] {
  const cells = new Map<string, StatsDelta>();
  const add = (d: StatsDelta) => {
    const k = `${d.dimension}\u0000${d.key}\u0000${d.macroId}`;
    const c = cells.get(k);
    cells.set(k, c ? { ...c, successes: c.successes + d.successes, failures: c.failures + d.failures } : d);
  };
  if (previous) contribution(previous, -1).forEach(add);
  contribution(next).forEach(add);
  return [...cells.values()].filter((d) => Math.abs(d.successes) > 1e-12 || Math.abs(d.failures) > 1e-12);
}
