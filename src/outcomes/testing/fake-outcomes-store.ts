import type { AppConfig } from '../../platform/config/app-config.service';
import { Environment } from '../../platform/config/environment';
import { fakeTransactions } from '../../platform/database/testing/fake-transactions';
import type { Tx } from '../../platform/database/transactions';
import type { MetricsService } from '../../platform/metrics/metrics.service';
import type { TicketStatus } from '../../tickets/ticket.entity';
import type { FixStatsCell, FixStatsRepository, OutcomeCredit } from '../fix-stats.repository';
import type { StatsDelta } from '../outcome-contribution';
import { OutcomeCaptureService } from '../outcome-capture.service';
import type { OutcomeRow, OutcomeSignalWrite, OutcomeWrite, OutcomesRepository, TicketOutcomeFacts } from '../outcomes.repository';
import { OutcomesService } from '../outcomes.service';

/** A ticket as the outcomes see it: its triage, and the status and tags a status signal sets. */
export interface FakeOutcomeTicket extends TicketOutcomeFacts {
  status: TicketStatus | null;
  tags: readonly string[];
  source_updated_at: Date | null;
}

/**
 * The outcomes, signals and fix statistics in memory, for unit tests of the services that record them: one object
 * serves as both OutcomesRepository and FixStatsRepository (its writes and the rebuild's statements), as the two
 * share the tables in the database.
 */
export class FakeOutcomesStore
  implements Pick<OutcomesRepository, keyof OutcomesRepository>, Pick<FixStatsRepository, 'cellsOfPack' | 'clearForRebuild' | 'applyDelta'>
{
  readonly tickets = new Map<string, FakeOutcomeTicket>();
  readonly outcomes: (OutcomeRow & { ticket_id: string })[] = [];
  readonly signals: OutcomeSignalWrite[] = [];
  /** `pack \0 dimension \0 key \0 macro` -> counts. */
  readonly cells = new Map<string, { successes: number; failures: number }>();
  private seq = 0;

  /** A ticket triaged with `macroId` suggested under `causeId` (decision auto, the default pack unless named). */
  addTicket(id: string, over: Partial<FakeOutcomeTicket> = {}): FakeOutcomeTicket {
    const ticket: FakeOutcomeTicket = {
      macro_id: 'storage_manage',
      cause_id: 'storage_full',
      symptom_ids: ['not_enough_storage'],
      decision: 'auto',
      opened_at: new Date('2026-12-01T08:00:00Z'),
      pack_id: null,
      status: 'open',
      tags: [],
      source_updated_at: null,
      ...over,
    };
    this.tickets.set(id, ticket);
    return ticket;
  }

  /** The ticket's outcome for the macro, if any. */
  outcomeOf(ticketId: string, macroId: string): OutcomeRow | undefined {
    return this.outcomes.find((o) => o.ticket_id === ticketId && o.macro_id === macroId);
  }

  /** A cell's counts (zero when never moved). */
  cell(packId: string, dimension: 'symptom' | 'cause', key: string, macroId: string): { successes: number; failures: number } {
    return this.cells.get([packId, dimension, key, macroId].join('\u0000')) ?? { successes: 0, failures: 0 };
  }

  lockTicketFacts(_tx: Tx, ticketId: string): Promise<TicketOutcomeFacts | null> {
    return Promise.resolve(this.tickets.get(ticketId) ?? null);
  }

  lockOutcome(_tx: Tx, ticketId: string, macroId: string): Promise<OutcomeRow | null> {
    return Promise.resolve(this.outcomeOf(ticketId, macroId) ?? null);
  }

  latestNamedFix(_tx: Tx, ticketId: string) {
    const named = this.outcomes
      .filter((o) => o.ticket_id === ticketId && o.attribution !== 'suggested')
      .sort((a, b) => b.event_at.getTime() - a.event_at.getTime());
    return Promise.resolve(named[0] ? { macro_id: named[0].macro_id, attribution: named[0].attribution } : null);
  }

  upsertOutcome(_tx: Tx, o: OutcomeWrite): Promise<OutcomeRow> {
    const existing = this.outcomeOf(o.ticketId, o.macroId);
    const row = {
      id: existing?.id ?? `outcome-${++this.seq}`,
      ticket_id: o.ticketId,
      pack_id: o.packId,
      macro_id: o.macroId,
      resolved: o.resolved,
      signal: o.signal,
      attribution: o.attribution,
      weight: o.weight,
      cause_id: o.causeId,
      symptom_ids: [...o.symptomIds],
      note: o.note ?? existing?.note ?? null,
      actor: o.actor ?? existing?.actor ?? null,
      event_at: o.eventAt,
      time_to_resolution_seconds: o.timeToResolutionSeconds,
    };
    if (existing) Object.assign(existing, row);
    else this.outcomes.push(row);
    return Promise.resolve({ ...row });
  }

  insertSignal(_tx: Tx, s: OutcomeSignalWrite): Promise<void> {
    if (!this.signals.some((x) => x.dedupeKey === s.dedupeKey)) this.signals.push(s);
    return Promise.resolve();
  }

  updateTicketStatus(_tx: Tx, ticketId: string, status: TicketStatus, tags: readonly string[], at: Date): Promise<void> {
    const ticket = this.tickets.get(ticketId);
    if (ticket && (ticket.source_updated_at === null || ticket.source_updated_at <= at)) {
      Object.assign(ticket, { status, tags, source_updated_at: at });
    }
    return Promise.resolve();
  }

  cellsOfPack(packId: string): Promise<FixStatsCell[]> {
    const cells = [...this.cells].flatMap(([k, counts]) => {
      const [pack, dimension, key, macro_id] = k.split('\u0000');
      return pack === packId ? [{ dimension: dimension as FixStatsCell['dimension'], key, macro_id, ...counts }] : [];
    });
    return Promise.resolve(cells);
  }

  clearForRebuild(_tx: Tx, packId: string | null): Promise<OutcomeCredit[]> {
    for (const k of [...this.cells.keys()]) if (packId === null || k.startsWith(`${packId}\u0000`)) this.cells.delete(k);
    return Promise.resolve(this.outcomes.filter((o) => packId === null || o.pack_id === packId));
  }

  applyDelta(_tx: Tx, deltas: readonly StatsDelta[], packId: string): Promise<void> {
    for (const d of deltas) {
      const k = [packId, d.dimension, d.key, d.macroId].join('\u0000');
      const c = this.cells.get(k) ?? { successes: 0, failures: 0 };
      this.cells.set(k, { successes: c.successes + d.successes, failures: c.failures + d.failures });
    }
    return Promise.resolve();
  }
}

/** The settings of the environment's defaults, with `over` in their place. */
export function fakeConfig(over: Partial<Environment> = {}): AppConfig {
  const env = Object.assign(new Environment(), over);
  return { get: (key: keyof Environment) => env[key] } as unknown as AppConfig;
}

/** The counters outcomes move: `counts` holds what each was incremented by. */
export function fakeOutcomeMetrics(): MetricsService & { counts: { outcomes: number; unknownMacroTags: number } } {
  const counts = { outcomes: 0, unknownMacroTags: 0 };
  const counter = (name: keyof typeof counts) => ({
    inc: (labelsOrBy?: number | object, by?: number) => {
      counts[name] += typeof labelsOrBy === 'number' ? labelsOrBy : (by ?? 1);
    },
  });
  return { counts, outcomes: counter('outcomes'), unknownMacroTags: counter('unknownMacroTags') } as unknown as MetricsService & {
    counts: typeof counts;
  };
}

/** OutcomesService and OutcomeCaptureService over one FakeOutcomesStore. */
export function fakeOutcomes(config: AppConfig = fakeConfig()) {
  const store = new FakeOutcomesStore();
  const metrics = fakeOutcomeMetrics();
  const outcomes = new OutcomesService(
    store as unknown as OutcomesRepository,
    store as unknown as FixStatsRepository,
    fakeTransactions(),
    config,
    metrics,
  );
  const capture = new OutcomeCaptureService(outcomes, store as unknown as OutcomesRepository, config, metrics);
  return { store, metrics, outcomes, capture };
}
