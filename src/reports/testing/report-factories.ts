/** Small factories that write tickets, triages, overrides and outcomes straight into Postgres, at chosen times. */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface SeedTicket {
  /** When the service received the ticket (ISO-8601); it is triaged a minute later. */
  at: string;
  /** The engine's answer; null: not triaged. */
  cause?: string | null;
  macro?: string;
  symptoms?: string[];
  subject?: string;
  description?: string;
  /** The triage's write-back decision (default `auto`). */
  decision?: 'auto' | 'review';
}

export interface SeedOutcome {
  macro: string;
  resolved: boolean;
  at: string;
  attribution?: 'agent' | 'applied' | 'suggested';
  /** Seconds from opened to resolved; only for resolved outcomes. */
  ttr?: number;
  signal?: 'agent' | 'status' | 'csat';
}

export interface SeedRating {
  good: boolean;
  at: string;
  /** The fix the rating's outcome was credited to; none when no fix could be. */
  macro?: string | null;
}

const WEIGHT = { agent: 1, applied: 1, suggested: 0.5 } as const;

export class ReportSeeder {
  constructor(private readonly db: DataSource) {}

  async ticket(t: SeedTicket): Promise<string> {
    const id = randomUUID();
    const symptoms = t.symptoms ?? [];
    const cause = t.cause === undefined ? 'other' : t.cause;
    await this.db.query(
      `INSERT INTO tickets (id, source, external_id, subject, description, triage_state, created_at, updated_at, cause_id, macro_id, symptom_ids, decision)
       VALUES ($1, 'api', $2, $3, $4, $5, $6, $6, $7, $8, $9, $10)`,
      [
        id,
        `report-seed-${id}`,
        t.subject ?? '',
        t.description ?? 'My backup fails.',
        cause ? 'done' : 'queued',
        t.at,
        cause,
        cause ? (t.macro ?? 'ask_for_details') : null,
        symptoms,
        cause ? (t.decision ?? 'auto') : null,
      ],
    );
    if (!cause) return id;
    const inboxId = randomUUID();
    const resultId = randomUUID();
    const triagedAt = new Date(Date.parse(t.at) + 60_000);
    await this.db.query(
      `INSERT INTO inbox_events (id, ticket_id, source, dedupe_key, kind, payload, event_at, received_at, state, processed_at)
       VALUES ($1, $2, 'api', $3, 'created', '{}', $4, $4, 'processed', $5)`,
      [inboxId, id, `report-seed:${inboxId}`, t.at, triagedAt],
    );
    await this.db.query(
      `INSERT INTO triage_results (id, ticket_id, inbox_id, pack_version, cause_id, confidence, macro_id, symptom_ids, result, event_at, triaged_at)
       VALUES ($1, $2, $3, 'seed', $4, 0.9, $5, $6, '{}', $7, $8)`,
      [resultId, id, inboxId, cause, t.macro ?? 'ask_for_details', symptoms, t.at, triagedAt],
    );
    await this.db.query('UPDATE tickets SET latest_triage_id = $2, latest_event_at = $3 WHERE id = $1', [id, resultId, t.at]);
    return id;
  }

  async tickets(n: number, t: SeedTicket): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await this.ticket(t));
    return ids;
  }

  /** An agent's override, made at `at`; it becomes the ticket's effective cause and macro. */
  async override(ticketId: string, o: { at: string; cause?: string; macro?: string }): Promise<void> {
    const [t]: { latest_triage_id: string; cause_id: string; macro_id: string; symptom_ids: string[] }[] = await this.db.query(
      `SELECT t.latest_triage_id, tr.cause_id, tr.macro_id, tr.symptom_ids FROM tickets t JOIN triage_results tr ON tr.id = t.latest_triage_id WHERE t.id = $1`,
      [ticketId],
    );
    const id = randomUUID();
    const original = { causeId: t.cause_id, macroId: t.macro_id, symptomIds: t.symptom_ids, triageResultId: t.latest_triage_id };
    await this.db.query(
      `INSERT INTO triage_overrides (id, ticket_id, triage_result_id, cause_id, macro_id, reason, actor, original, created_at)
       VALUES ($1, $2, $3, $4, $5, 'seeded', 'seed', $6, $7)`,
      [id, ticketId, t.latest_triage_id, o.cause ?? null, o.macro ?? null, original, o.at],
    );
    await this.db.query(
      'UPDATE tickets SET override_id = $2, cause_id = COALESCE($3, cause_id), macro_id = COALESCE($4, macro_id) WHERE id = $1',
      [ticketId, id, o.cause ?? null, o.macro ?? null],
    );
  }

  /** An outcome row as the outcomes service stores it, with the ticket's cause and symptoms. */
  async outcome(ticketId: string, o: SeedOutcome): Promise<void> {
    const attribution = o.attribution ?? 'agent';
    await this.db.query(
      `INSERT INTO outcomes (id, ticket_id, macro_id, resolved, signal, attribution, weight, cause_id, symptom_ids, event_at, time_to_resolution_seconds)
       SELECT $1, id, $3, $4, $9, $5, $6, cause_id, symptom_ids, $7, $8 FROM tickets WHERE id = $2`,
      [randomUUID(), ticketId, o.macro, o.resolved, attribution, WEIGHT[attribution], o.at, o.resolved ? (o.ttr ?? null) : null, o.signal ?? 'agent'],
    );
  }

  /** A customer's satisfaction rating, stored as the helpdesk webhooks store it (an outcome signal `csat_good` or `csat_bad`). */
  async rating(ticketId: string, r: SeedRating): Promise<void> {
    const id = randomUUID();
    await this.db.query(
      `INSERT INTO outcome_signals (id, ticket_id, source, kind, resolved, macro_id, attribution, cause_id, symptom_ids, dedupe_key, event_at)
       SELECT $1, id, 'zendesk', $3, $4, $5::varchar, CASE WHEN $5::varchar IS NULL THEN NULL ELSE 'applied' END, cause_id, symptom_ids, $6, $7
       FROM tickets WHERE id = $2`,
      [id, ticketId, r.good ? 'csat_good' : 'csat_bad', r.good, r.macro ?? null, `report-seed:${id}`, r.at],
    );
  }
}
