import { parseIsoWeek } from './iso-week';
import type { ReportCatalog } from './report-catalog';
import { ReportGenerator } from './report-generator';
import type { SymptomFixOutcomes } from './report-statistics.repository';
import { fakeReportStatistics, type StatisticsRows } from './testing/fake-report-store';

const catalog: ReportCatalog = {
  packVersion: 'icloud-backup@2026.11.1',
  causes: new Map([
    ['icloud_storage_full', 'iCloud storage full'],
    ['other', 'Other'],
  ]),
  symptoms: new Map([
    ['not_enough_storage', 'Not enough storage'],
    ['backup_fails', 'Backup fails'],
  ]),
  macros: new Map([
    ['free_up_icloud_storage', { title: 'Free up iCloud storage', prior: { alpha: 2, beta: 2 } }],
    ['restart_device', { title: 'Restart the device', prior: { alpha: 1, beta: 1 } }],
  ]),
  aliases: new Map([['storage_full', 'not_enough_storage']]),
};

const W47 = parseIsoWeek('2026-W47')!;
/** The Monday after 2026-W47 (16-22 November): the week is complete. */
const AFTER = new Date('2026-11-23T06:00:00Z');

/** This week's outcomes of one fix on one symptom. */
const fix = (symptom_id: string, macro_id: string, resolved: number, outcomes: number, cur = true): SymptomFixOutcomes => ({
  symptom_id,
  macro_id,
  cur,
  outcomes: String(outcomes),
  resolved: String(resolved),
});

function report(rows: Partial<StatisticsRows>, minSamples: number, now = AFTER) {
  return new ReportGenerator(fakeReportStatistics(rows), catalog).generate(W47, 'UTC', now, { minSamples });
}

describe('ReportGenerator', () => {
  describe('minimum samples', () => {
    // Restart: 3 of 3 (few outcomes, best posterior); free up: 9 of 12.
    const rows = {
      outcomesBySymptomAndMacro: [
        fix('not_enough_storage', 'restart_device', 3, 3),
        fix('not_enough_storage', 'free_up_icloud_storage', 9, 12),
      ],
    };

    it('confirms as best fix only one with at least minSamples outcomes', async () => {
      const [symptom] = (await report(rows, 5)).symptoms;
      expect(symptom.bestFix.macroId).toBe('restart_device');
      expect(symptom.enoughSamples).toBe(false);
      expect(symptom.confirmedBestFix?.macroId).toBe('free_up_icloud_storage');
      expect(symptom.mostUsedFix.macroId).toBe('free_up_icloud_storage');
    });

    it('confirms the best fix itself once it has minSamples outcomes', async () => {
      const [symptom] = (await report(rows, 3)).symptoms;
      expect(symptom.enoughSamples).toBe(true);
      expect(symptom.confirmedBestFix?.macroId).toBe('restart_device');
    });

    it('confirms no fix when none has minSamples outcomes', async () => {
      expect((await report(rows, 20)).symptoms[0].confirmedBestFix).toBeNull();
    });

    it('reports a symptom no fix resolves half of as a gap, to act on only with minSamples outcomes', async () => {
      const gapRows = {
        outcomesBySymptomAndMacro: [fix('backup_fails', 'restart_device', 1, 8), fix('backup_fails', 'free_up_icloud_storage', 0, 2)],
      };
      const enough = await report(gapRows, 5);
      expect(enough.gaps).toMatchObject([
        { symptomId: 'backup_fails', bestMacroId: 'restart_device', bestResolutionRate: 0.125, enoughSamples: true },
      ]);
      expect(enough.actions.map((a) => [a.kind, a.subject.id])).toContainEqual(['knowledge_gap', 'backup_fails']);
      const few = await report(gapRows, 20);
      expect(few.gaps).toMatchObject([{ symptomId: 'backup_fails', enoughSamples: false }]);
      expect(few.actions).toEqual([]);
    });
  });

  describe('top actions', () => {
    it('leads with switching a failing fix for a clearly better confirmed one', async () => {
      const r = await report(
        {
          outcomesBySymptomAndMacro: [
            fix('not_enough_storage', 'restart_device', 2, 12),
            fix('not_enough_storage', 'free_up_icloud_storage', 9, 10),
          ],
        },
        5,
      );
      expect(r.actions[0]).toMatchObject({ kind: 'switch_fix', subject: { type: 'macro', id: 'restart_device' } });
      expect(r.actions[0].text).toContain('send “Free up iCloud storage” first');
    });

    it('names no action from figures below minSamples', async () => {
      const r = await report(
        {
          outcomesBySymptomAndMacro: [
            fix('not_enough_storage', 'restart_device', 0, 4),
            fix('not_enough_storage', 'free_up_icloud_storage', 4, 4),
          ],
        },
        5,
      );
      expect(r.actions).toEqual([]);
    });

    it('calls a cause rising when it grew well beyond the whole helpdesk', async () => {
      const r = await report(
        {
          ticketsByCause: [
            { id: 'icloud_storage_full', cur: '40', prev: '10' },
            { id: 'other', cur: '60', prev: '60' },
          ],
        },
        5,
      );
      expect(r.actions).toMatchObject([{ kind: 'rising', subject: { type: 'cause', id: 'icloud_storage_full' } }]);
    });
  });

  it('names causes, symptoms (an old id too) and macros by the pack, and a ticket not triaged yet as such', async () => {
    const r = await report(
      {
        ticketsByCause: [
          { id: 'icloud_storage_full', cur: '3', prev: '1' },
          { id: null, cur: '1', prev: '0' },
        ],
        ticketsBySymptom: [{ id: 'storage_full', cur: '2', prev: '0' }],
        suggestionsByMacro: [{ macro_id: 'unknown_macro', cur: '1', prev: '0' }],
      },
      5,
    );
    expect(r.volume.byCause.map((v) => v.title)).toEqual(['iCloud storage full', 'Not triaged yet']);
    expect(r.volume.bySymptom[0].title).toBe('Not enough storage');
    expect(r.macros[0].title).toBe('unknown_macro');
    expect(r.summary).toMatchObject({ tickets: 4, previousTickets: 1 });
  });

  it('sums the outcomes of each week into the resolution rates', async () => {
    const outcome = (macro_id: string, cur: boolean, outcomes: number, resolved: number) => ({
      macro_id,
      cur,
      outcomes: String(outcomes),
      resolved: String(resolved),
      applied: '0',
      median_ttr: null,
    });
    const r = await report(
      {
        outcomesByMacro: [
          outcome('restart_device', true, 4, 1),
          outcome('free_up_icloud_storage', true, 6, 5),
          outcome('restart_device', false, 10, 5),
        ],
      },
      5,
    );
    expect(r.summary).toMatchObject({ outcomes: 10, resolved: 6, resolutionRate: 0.6, previousResolutionRate: 0.5 });
  });

  it('compares the week in progress with the same days of the week before', async () => {
    const statistics = fakeReportStatistics();
    const wednesday = new Date('2026-11-18T12:00:00Z');
    const r = await new ReportGenerator(statistics, catalog).generate(W47, 'UTC', wednesday, { minSamples: 5 });
    expect(r.partial).toBe(true);
    expect(statistics.windows[0].bounds.map((d) => d.toISOString())).toEqual([
      '2026-11-09T00:00:00.000Z',
      '2026-11-16T00:00:00.000Z',
      '2026-11-18T12:00:00.000Z',
      '2026-11-11T12:00:00.000Z',
    ]);
  });

  it('reads every figure in one snapshot', async () => {
    const statistics = fakeReportStatistics();
    await new ReportGenerator(statistics, catalog).generate(W47, 'UTC', AFTER);
    expect(statistics.snapshots).toBe(1);
  });

  it("reads a pack's rows when several packs are loaded, and every row for the only one", async () => {
    const several = fakeReportStatistics();
    await new ReportGenerator(several, catalog, { packId: 'printers', defaultPackId: 'icloud-backup' }).generate(W47, 'UTC', AFTER);
    expect(several.windows[0]).toMatchObject({ pack: 'printers', defaultPack: 'icloud-backup' });
    const only = fakeReportStatistics();
    const r = await new ReportGenerator(only, catalog, { packId: 'icloud-backup', defaultPackId: 'icloud-backup', only: true }).generate(
      W47,
      'UTC',
      AFTER,
    );
    expect(only.windows[0].pack).toBe('*');
    expect(r.packId).toBe('icloud-backup');
  });
});
