import type { CauseModelWeights } from '../engine';
import { loadDefaultPack } from '../knowledge';
import type { AppConfig } from '../platform/config/app-config.service';
import type { EngineService } from '../triage/engine.service';
import type { CauseModelStore } from './cause-model-store';
import { CauseModelsService, NotEnoughLabelsError } from './cause-models.service';
import type { LabelSignalsRepository } from './label-signals.repository';
import type { TicketSignals } from './labels';
import { generateLabelledTickets } from './testing/labelled-tickets';

const pack = loadDefaultPack();
const FAST = { folds: 2, settings: { calibrationFolds: 2, maxIterations: 30 } };

/** Each ticket's signals as the label query answers them: an override, a cause tag or a solved outcome. */
function signalRows(n: number): TicketSignals[] {
  const tickets = generateLabelledTickets(Math.ceil(n / 13), 'svc').slice(0, n);
  return tickets.map((t, i) => ({
    ticketId: t.id,
    subject: t.subject,
    text: t.description,
    tags: i % 3 === 1 ? [`triage_cause_is_${t.label}`] : [],
    overrideCause: i % 3 === 0 ? t.label : null,
    resolvedMacros:
      i % 3 === 2
        ? [...pack.macros.values()]
            .filter((m) => m.causeIds.length === 1 && m.causeIds[0] === t.label)
            .map((m) => m.id)
            .slice(0, 1)
        : [],
  }));
}

function fakes(rows: TicketSignals[]) {
  const stored: { version: string; weights: CauseModelWeights; metrics: object }[] = [];
  const activated: string[] = [];
  const signals = { ofPack: async () => rows } as unknown as LabelSignalsRepository;
  const store = {
    activeVersion: async () => '0',
    addCandidate: async (packVersion: string, build: (v: string) => { weights: CauseModelWeights; metrics: object }) => {
      const version = String(stored.length + 1);
      stored.push({ version, ...build(version) });
      return { id: 'x', version, packVersion, status: 'candidate', metrics: {}, createdAt: '', activatedAt: null };
    },
    find: async (v: string) => (stored.some((s) => s.version === v) ? { version: v } : null),
    weightsOf: async (v: string) => stored.find((s) => s.version === v)?.weights,
    activate: async (v: string) => {
      activated.push(v);
      return { previous: '0', active: v };
    },
  } as unknown as CauseModelStore;
  const config = { get: (key: string) => ({ HELPDESK_TAG_PREFIX: 'triage_', WRITEBACK_MIN_CONFIDENCE: 0.8 })[key] } as unknown as AppConfig;
  const engine = { pack } as unknown as EngineService;
  return { service: new CauseModelsService(signals, engine, store, config), stored, activated };
}

describe('CauseModelsService.refit', () => {
  it('refuses to fit on fewer than 200 labels, saying how many it has', async () => {
    const { service, stored } = fakes(signalRows(150));
    const refit = service.refit(FAST);
    await expect(refit).rejects.toBeInstanceOf(NotEnoughLabelsError);
    await expect(refit).rejects.toThrow(
      /at least 200 .* holds 150 \(agent overrides 50, cause_is_ tags 50, solved outcomes of single-cause macros 50\)/,
    );
    expect(stored).toHaveLength(0);
  });

  it('stores a candidate with its comparison and activates it when it is not worse than the active weights', async () => {
    const { service, stored, activated } = fakes(signalRows(208));
    const summary = await service.refit(FAST);
    expect(summary.labels).toMatchObject({ total: 208, override: 70, tag: 69, outcome: 69 });
    expect(stored).toHaveLength(1);
    expect(stored[0].metrics).toEqual(summary.metrics);
    expect(summary.metrics.active.version).toBe('0');
    // Templated tickets: the refit beats the rules alone by far.
    expect(summary.metrics.candidate.logLoss).toBeLessThan(summary.metrics.active.logLoss);
    expect(summary).toMatchObject({ version: '1', status: 'active', activated: true, base: '0' });
    expect(activated).toEqual(['1']);
  }, 60_000);
});
