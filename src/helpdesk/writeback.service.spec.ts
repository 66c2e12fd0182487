import { Logger } from '@nestjs/common';
import type { TriageResult } from '../engine/types';
import type { AppConfig } from '../platform/config/app-config.service';
import { JobFailure } from '../platform/queue/job-queue';
import { adapterOf, helpdeskAdapters } from './adapters/helpdesk-adapters';
import { HelpdeskHttpError, type HelpdeskClient } from './helpdesk-client';
import type { HelpdeskRegistry } from './helpdesk-registry.service';
import { WaitBeforeRetry, WritebackService } from './writeback.service';
import type { LastNote, WritebackRepository, WritebackRow } from './writeback.repository';

const TICKET = '4242';

function result(over: Partial<TriageResult> = {}): TriageResult {
  return {
    cause: { id: 'icloud_storage_full', confidence: 0.91 },
    causes: [
      { id: 'icloud_storage_full', score: 3.2, evidence: [] },
      { id: 'other', score: 0.1, evidence: [] },
    ],
    symptoms: [
      { id: 'not_enough_storage', text: 'not enough storage', start: 0, end: 18, field: 'description', polarity: 'present' },
      { id: 'restarted', text: 'restarted', start: 20, end: 29, field: 'description', polarity: 'tried' },
    ],
    entities: {},
    macro: { id: 'free_up_icloud_storage', title: 'Free up iCloud storage', body: 'Hi,\nOpen Settings.' },
    alternatives: [],
    packVersion: 'icloud-backup@1',
    modelVersion: 'icloud-backup@1/0',
    decision: 'auto',
    band: 'high',
    language: { code: 'en', confidence: 0.9 },
    ...over,
  };
}

/** The write-backs in memory; a write-back's note is "written" when note_done_at is set. */
class FakeWritebacks {
  readonly rows = new Map<string, WritebackRow & { attempts: number; last_error: string | null }>();
  private clock = 0;

  add(id: string, over: Partial<WritebackRow> = {}): void {
    this.rows.set(id, {
      id,
      helpdesk: 'zendesk',
      state: 'pending',
      tags_done_at: null,
      note_done_at: null,
      triage_result_id: `r-${id}`,
      ticket_id: 't1',
      external_id: TICKET,
      result: result(),
      cause_id: 'icloud_storage_full',
      macro_id: 'free_up_icloud_storage',
      attempts: 0,
      last_error: null,
      ...over,
    });
  }

  find(id: string): Promise<WritebackRow | undefined> {
    const row = this.rows.get(id);
    return Promise.resolve(row && { ...row });
  }
  markTagsDone(id: string): Promise<void> {
    this.rows.get(id)!.tags_done_at = this.tick();
    return Promise.resolve();
  }
  markNoteDone(id: string): Promise<void> {
    this.rows.get(id)!.note_done_at = this.tick();
    return Promise.resolve();
  }
  markDone(id: string): Promise<void> {
    Object.assign(this.rows.get(id)!, { state: 'done', last_error: null, attempts: this.rows.get(id)!.attempts + 1 });
    return Promise.resolve();
  }
  recordFailure(id: string, error: string, final: boolean): Promise<void> {
    const row = this.rows.get(id)!;
    if (row.state !== 'pending') return Promise.resolve();
    Object.assign(row, { attempts: row.attempts + 1, last_error: error, state: final ? 'failed' : row.state });
    return Promise.resolve();
  }
  /** The latest triage of each ticket; a ticket not named here has the triage of its newest write-back. */
  readonly latest = new Map<string, string>();
  tagState(ticketId: string, triageResultId: string): Promise<{ latest: boolean; earlierTags: boolean }> {
    const ofTicket = [...this.rows.values()].filter((r) => r.ticket_id === ticketId);
    return Promise.resolve({
      latest: (this.latest.get(ticketId) ?? ofTicket.at(-1)?.triage_result_id) === triageResultId,
      earlierTags: ofTicket.some((r) => r.triage_result_id !== triageResultId && r.tags_done_at !== null),
    });
  }
  lastNoteBefore(ticketId: string, id: string): Promise<LastNote | undefined> {
    const [last] = [...this.rows.values()]
      .filter((r) => r.ticket_id === ticketId && r.id !== id && r.note_done_at)
      .sort((a, b) => b.note_done_at!.getTime() - a.note_done_at!.getTime());
    return Promise.resolve(last && { cause_id: last.cause_id, macro_id: last.macro_id, result: last.result });
  }

  private tick(): Date {
    return new Date(Date.UTC(2026, 10, 30) + ++this.clock);
  }
}

/** A helpdesk's ticket: its tags and notes. */
class FakeHelpdesk implements HelpdeskClient {
  readonly helpdesk = 'zendesk' as const;
  tags: string[] = [];
  notes: string[] = [];
  failNext?: Error;

  addTags(_ticket: string, tags: string[]): Promise<void> {
    this.fail();
    this.tags = [...new Set([...this.tags, ...tags])];
    return Promise.resolve();
  }
  setServiceTags(_ticket: string, tags: string[], isServiceTag: (tag: string) => boolean): Promise<void> {
    this.fail();
    this.tags = [...new Set([...this.tags.filter((t) => !isServiceTag(t) || tags.includes(t)), ...tags])];
    return Promise.resolve();
  }
  addPrivateNote(_ticket: string, body: string): Promise<void> {
    this.fail();
    this.notes.push(body);
    return Promise.resolve();
  }
  hasNoteWithMarker(_ticket: string, marker: string): Promise<boolean> {
    return Promise.resolve(this.notes.some((n) => n.includes(marker)));
  }
  private fail(): void {
    const err = this.failNext;
    this.failNext = undefined;
    if (err) throw err;
  }
}

function setup(config: Record<string, unknown> = {}, client: FakeHelpdesk | null = new FakeHelpdesk()) {
  const stored = new FakeWritebacks();
  const registry = { adapter: (source: unknown) => adapterOf(helpdeskAdapters, source), client: () => client };
  const values: Record<string, unknown> = { HELPDESK_TAG_PREFIX: 'triage_', WRITEBACK_DRY_RUN: false, ...config };
  const service = new WritebackService(
    stored as unknown as WritebackRepository,
    registry as unknown as HelpdeskRegistry,
    { get: (key: string) => values[key] } as unknown as AppConfig,
  );
  return { service, stored, helpdesk: client! };
}

const zendeskError = (status: number, retryAfterSeconds?: number) =>
  new HelpdeskHttpError({ helpdesk: 'zendesk', method: 'POST', path: `/api/v2/tickets/${TICKET}.json`, status, retryAfterSeconds });

/** The write-back recorded its note step as done, and the ticket holds one note all the same. */
function expectNoteStepDoneWithOneNote(helpdesk: FakeHelpdesk, stored: FakeWritebacks, writebackId: string): void {
  expect(helpdesk.notes).toHaveLength(1);
  expect(stored.rows.get(writebackId)!.note_done_at).not.toBeNull();
}

describe('WritebackService', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it('writes an auto triage as its cause, band and present symptoms, then one note with its marker', async () => {
    const { service, stored, helpdesk } = setup();
    stored.add('w1');
    expect(await service.run('w1')).toBe('done');
    expect(helpdesk.tags).toEqual(['triage_cause_icloud_storage_full', 'triage_confidence_high', 'triage_symptom_not_enough_storage']);
    expect(helpdesk.notes).toHaveLength(1);
    expect(helpdesk.notes[0]).toContain('triage-note:r-w1');
    expect(stored.rows.get('w1')).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('writes a review triage as needs_review with its band and no cause tag', async () => {
    const { service, stored, helpdesk } = setup();
    stored.add('w1', { result: result({ decision: 'review', band: 'medium' }) });
    await service.run('w1');
    expect(helpdesk.tags).toContain('triage_needs_review');
    expect(helpdesk.tags).toContain('triage_confidence_medium');
    expect(helpdesk.tags.some((t) => t.startsWith('triage_cause_'))).toBe(false);
  });

  it('tags with the configured prefix', async () => {
    const { service, stored, helpdesk } = setup({ HELPDESK_TAG_PREFIX: 'acme_' });
    stored.add('w1');
    await service.run('w1');
    expect(helpdesk.tags[0]).toBe('acme_cause_icloud_storage_full');
  });

  it('writes no second note when the ticket already holds one with its marker', async () => {
    const { service, stored, helpdesk } = setup();
    stored.add('w1');
    helpdesk.notes.push('An earlier attempt wrote this before it crashed. triage-note:r-w1');
    expect(await service.run('w1')).toBe('done');
    expectNoteStepDoneWithOneNote(helpdesk, stored, 'w1');
  });

  it('after a failed note, a retry writes the note only: the tags were recorded as done', async () => {
    const { service, stored, helpdesk } = setup();
    stored.add('w1');
    const addTags = jest.spyOn(helpdesk, 'addTags');
    jest.spyOn(helpdesk, 'addPrivateNote').mockRejectedValueOnce(zendeskError(503));
    await expect(service.run('w1')).rejects.toThrow(HelpdeskHttpError);
    expect(stored.rows.get('w1')).toMatchObject({ state: 'pending', note_done_at: null });
    expect(await service.run('w1')).toBe('done');
    expect(addTags).toHaveBeenCalledTimes(1);
    expect(helpdesk.notes).toHaveLength(1);
  });

  it('answers already-done for a finished write-back and calls the helpdesk no more', async () => {
    const { service, stored, helpdesk } = setup();
    stored.add('w1');
    await service.run('w1');
    expect(await service.run('w1')).toBe('already-done');
    expect(helpdesk.notes).toHaveLength(1);
  });

  it('adds tags but no note when a re-triage reached the cause, macro and decision of the last note', async () => {
    const { service, stored, helpdesk } = setup();
    stored.add('w1');
    stored.add('w2', { triage_result_id: 'r-w2' });
    await service.run('w1');
    expect(await service.run('w2')).toBe('done');
    expectNoteStepDoneWithOneNote(helpdesk, stored, 'w2');
  });

  it("adds a ticket's first tags without reading the ticket's tags: nothing of the service's can be stale yet", async () => {
    const { service, stored, helpdesk } = setup();
    stored.add('w1');
    const replace = jest.spyOn(helpdesk, 'setServiceTags');
    await service.run('w1');
    expect(replace).not.toHaveBeenCalled();
    expect(helpdesk.tags).toContain('triage_cause_icloud_storage_full');
  });

  it('a re-triage to another cause leaves only the new cause tag, with its band and symptoms', async () => {
    const { service, stored, helpdesk } = setup();
    stored.add('w1');
    const wifi = result({
      cause: { id: 'wifi', confidence: 0.8 },
      symptoms: [{ id: 'wifi_drops', text: 'wifi drops', start: 0, end: 10, field: 'description', polarity: 'present' }],
    });
    stored.add('w2', { triage_result_id: 'r-w2', result: wifi, cause_id: 'wifi', macro_id: 'connect_stable_wifi' });
    stored.latest.set('t1', 'r-w1');
    await service.run('w1');
    stored.latest.set('t1', 'r-w2');
    await service.run('w2');
    expect(new Set(helpdesk.tags)).toEqual(new Set(['triage_cause_wifi', 'triage_confidence_high', 'triage_symptom_wifi_drops']));
  });

  it('a re-triage from auto to review replaces the cause tag with needs_review and the new band', async () => {
    const { service, stored, helpdesk } = setup();
    stored.add('w1');
    stored.add('w2', { triage_result_id: 'r-w2', result: result({ decision: 'review', band: 'medium' }) });
    stored.latest.set('t1', 'r-w1');
    await service.run('w1');
    stored.latest.set('t1', 'r-w2');
    await service.run('w2');
    expect(new Set(helpdesk.tags)).toEqual(
      new Set(['triage_needs_review', 'triage_confidence_medium', 'triage_symptom_not_enough_storage']),
    );
  });

  it("a re-triage keeps an agent's cause_is_ label, an applied_ macro tag and tags without the prefix", async () => {
    const { service, stored, helpdesk } = setup();
    stored.add('w1');
    stored.add('w2', { triage_result_id: 'r-w2', result: result({ decision: 'review', band: 'low', symptoms: [] }) });
    stored.latest.set('t1', 'r-w1');
    await service.run('w1');
    helpdesk.tags.push('triage_cause_is_wifi', 'triage_applied_restart_device', 'vip', 'cause_other');
    stored.latest.set('t1', 'r-w2');
    await service.run('w2');
    expect(new Set(helpdesk.tags)).toEqual(
      new Set([
        'triage_cause_is_wifi',
        'triage_applied_restart_device',
        'vip',
        'cause_other',
        'triage_needs_review',
        'triage_confidence_low',
      ]),
    );
  });

  it("the write-back of an older triage, retried after the newer one's, leaves the newer triage's tags", async () => {
    const { service, stored, helpdesk } = setup();
    const wifi = result({ cause: { id: 'wifi', confidence: 0.8 }, symptoms: [] });
    stored.add('w1');
    stored.add('w2', { triage_result_id: 'r-w2', result: wifi, cause_id: 'wifi', macro_id: 'connect_stable_wifi' });
    await service.run('w2');
    await service.run('w1');
    expect(new Set(helpdesk.tags)).toEqual(new Set(['triage_cause_wifi', 'triage_confidence_high']));
    expect(stored.rows.get('w1')!.state).toBe('done');
  });

  it('writes a new note when a re-triage changed the decision', async () => {
    const { service, stored, helpdesk } = setup();
    stored.add('w1');
    stored.add('w2', { triage_result_id: 'r-w2', result: result({ decision: 'review', band: 'low' }) });
    await service.run('w1');
    await service.run('w2');
    expect(helpdesk.notes).toHaveLength(2);
    expect(helpdesk.notes[1]).toContain('triage-note:r-w2');
  });

  it("asks to wait as long as the helpdesk's 429 says (a wait, not a failed attempt)", async () => {
    const { service, stored, helpdesk } = setup();
    stored.add('w1');
    helpdesk.failNext = zendeskError(429, 30);
    const err = await service.run('w1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitBeforeRetry);
    expect(err).toMatchObject({ waitMs: 30_000, reason: 'rate_limited' });
  });

  it('gives up at once on a 4xx, which another attempt would get again', async () => {
    const { service, stored, helpdesk } = setup();
    stored.add('w1');
    helpdesk.failNext = zendeskError(404);
    expect(JobFailure.isPermanent(await service.run('w1').catch((e: unknown) => e))).toBe(true);
  });

  it('gives up at once on a write-back that does not exist or whose helpdesk has no credentials', async () => {
    const off = setup({}, null);
    off.stored.add('w1');
    expect(JobFailure.isPermanent(await off.service.run('w1').catch((e: unknown) => e))).toBe(true);
    expect(JobFailure.isPermanent(await off.service.run('missing').catch((e: unknown) => e))).toBe(true);
  });

  it('answers dry-run under WRITEBACK_DRY_RUN', async () => {
    const { service, stored } = setup({ WRITEBACK_DRY_RUN: true });
    stored.add('w1');
    expect(await service.run('w1')).toBe('dry-run');
  });

  it('records a failed attempt with its error cut to 4000 characters, and the last one as failed', async () => {
    const { service, stored } = setup();
    stored.add('w1');
    await service.recordFailure('w1', 'x'.repeat(5000), false);
    expect(stored.rows.get('w1')).toMatchObject({ state: 'pending', attempts: 1 });
    expect(stored.rows.get('w1')!.last_error).toHaveLength(4000);
    await service.recordFailure('w1', 'HTTP 500', true);
    expect(stored.rows.get('w1')).toMatchObject({ state: 'failed', attempts: 2, last_error: 'HTTP 500' });
  });
});
