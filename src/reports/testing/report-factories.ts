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
      [
        randomUUID(),
        ticketId,
        o.macro,
        o.resolved,
        attribution,
        WEIGHT[attribution],
        o.at,
        o.resolved ? (o.ttr ?? null) : null,
        o.signal ?? 'agent',
      ],
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

/** A ticket text as the engine triaged it with the shipped pack. */
export interface TriagedTicket {
  subject: string;
  description: string;
  cause: string;
  macro: string;
  symptoms: string[];
  decision: 'auto' | 'review';
}

/** Deterministic pseudo-random numbers in [0, 1), so seeded weeks (and pages drawn from them) are the same every run. */
export function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

/**
 * How often each fix resolves in the seeded helpdesk: most fixes work, the generic restart mostly does not,
 * and Wi-Fi advice is hit and miss, so the page has failing fixes, a better alternative and gaps to show.
 */
const TRUE_RATES: Record<string, number> = {
  turn_on_icloud_backup: 0.92,
  connect_stable_wifi: 0.46,
  check_power_source: 0.7,
  manage_icloud_storage: 0.8,
  check_apple_system_status: 0.75,
  sign_out_and_in: 0.68,
  restart_device: 0.3,
  reset_all_settings: 0.72,
  update_ios: 0.66,
  let_large_backup_finish: 0.74,
  let_device_lock: 0.82,
  remove_restrictions: 0.86,
  contact_apple_support: 0.4,
  ask_for_details: 0.35,
};

/**
 * Weeks of a busy helpdesk from triaged ticket texts: `perWeek[i]` tickets in the week starting `mondays[i]`,
 * and, in the weeks listed in `rated`, outcomes for most of them (agents sometimes send a second fix),
 * overrides, and the customers' ratings.
 */
export async function seedHelpdeskWeeks(
  seed: ReportSeeder,
  texts: readonly TriagedTicket[],
  weeks: readonly { monday: string; tickets: number; rated: boolean }[],
  random = lcg(11),
): Promise<void> {
  let next = 0;
  for (const week of weeks) {
    const start = Date.parse(`${week.monday}T00:00:00Z`);
    for (let i = 0; i < week.tickets; i++) {
      const t = texts[next++ % texts.length];
      const at = new Date(start + Math.floor(((i + random()) / week.tickets) * 7 * 86_400_000 * 0.97)).toISOString();
      const id = await seed.ticket({
        at,
        cause: t.cause,
        macro: t.macro,
        symptoms: t.symptoms,
        subject: t.subject,
        description: t.description,
        decision: t.decision,
      });
      if (!week.rated) continue;
      const later = (hours: number) => new Date(Date.parse(at) + hours * 3_600_000).toISOString();
      // An agent corrects a few triages to the restart or to asking for details.
      if (random() < 0.06) await seed.override(id, { at: later(1), macro: random() < 0.5 ? 'restart_device' : 'ask_for_details' });
      if (random() > 0.82) continue;
      const first = t.macro;
      const resolved = random() < (TRUE_RATES[first] ?? 0.5);
      const ttr = 3600 * (1 + Math.floor(random() * 40));
      const attribution = random() < 0.25 ? 'suggested' : random() < 0.5 ? 'applied' : 'agent';
      await seed.outcome(id, { macro: first, resolved, at: later(2), attribution, ttr });
      if (random() < 0.35) await seed.rating(id, { good: random() < (resolved ? 0.88 : 0.2), at: later(30), macro: first });
      // Not resolved: a second fix, often the generic restart, sometimes resetting settings.
      if (!resolved && first !== 'restart_device' && random() < 0.6) {
        const second = random() < 0.6 ? 'restart_device' : 'reset_all_settings';
        if (second !== first)
          await seed.outcome(id, {
            macro: second,
            resolved: random() < TRUE_RATES[second],
            at: later(26),
            attribution: 'agent',
            ttr: ttr + 86_400,
          });
      }
    }
  }
}
