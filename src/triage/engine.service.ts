import { Injectable } from '@nestjs/common';
import {
  CauseModelWeights,
  EMPTY_FIX_STATS,
  FixStatsSnapshot,
  renderMacro,
  RenderedMacro,
  TriageEngine,
  TriageGate,
  TriageInput,
  TriageOptions,
  TriageResult,
} from '../engine';
import { AppConfig } from '../platform/config/app-config.service';
import { describePack, findMacro, loadDefaultPack, validateModelWeights } from '../knowledge';

export type TriageOutput = TriageResult & { triagedAt: string };

export interface LearnedState {
  stats: FixStatsSnapshot;
}

/**
 * The engine and its knowledge pack, loaded and compiled once per process. The cause-model weights can be
 * switched while the process runs (CauseModelReloader): a new engine is built and swapped in whole, so a
 * triage in progress finishes with the engine it started with.
 */
@Injectable()
export class EngineService {
  readonly pack = loadDefaultPack();
  private current = new TriageEngine(this.pack);
  private described?: ReturnType<typeof describePack>;
  private readonly exploration: 'off' | 'thompson';

  /** Write-back decision bounds (WRITEBACK_MIN_CONFIDENCE, BAND_MEDIUM_MIN). */
  private readonly gate: TriageGate;

  constructor(config: AppConfig) {
    this.exploration = config.get('EXPLORATION');
    this.gate = config.gate;
  }

  get engine(): TriageEngine {
    return this.current;
  }

  get packVersion(): string {
    return this.current.packVersion;
  }

  /** `<packVersion>/<weights version>`, as every triage result records it. */
  get modelVersion(): string {
    return this.current.modelVersion;
  }

  /** The version of the weights in use: "0" for the pack's own. */
  get weightsVersion(): string {
    return this.current.model.version;
  }

  /**
   * Switches the cause-model weights: `undefined` goes back to the pack's own. Weights are validated against
   * the pack first; bad ones throw and the engine in use stays.
   */
  useWeights(weights: unknown, where = 'cause model'): string {
    const checked: CauseModelWeights | undefined =
      weights === undefined ? undefined : validateModelWeights(weights, this.pack.causeIds, where);
    const next = new TriageEngine(this.pack, checked);
    this.current = next;
    return next.modelVersion;
  }

  /** Triage with what has been learned so far (fix statistics) and the cause-model weights in use. */
  triage(input: TriageInput, learned: Partial<LearnedState> = {}, now = new Date()): TriageOutput {
    const options: TriageOptions = {
      stats: learned.stats ?? EMPTY_FIX_STATS,
      gate: this.gate,
      ...(this.exploration === 'thompson' ? { exploration: 'thompson', random: Math.random } : {}),
    };
    return { ...this.current.triage(input, options), triagedAt: now.toISOString() };
  }

  /** A macro rendered for a ticket (an agent's override picks another macro than the engine did). */
  renderMacro(idOrAlias: string, input: TriageInput, entities: Record<string, unknown>): RenderedMacro | null {
    const macro = findMacro(this.pack, idOrAlias);
    return macro ? renderMacro(macro, input, this.current.macroSubjectOf(entities)) : null;
  }

  hasCause(id: string): boolean {
    return this.describe().causes.some((c) => c.id === id);
  }

  /** The first (most specific) macro of a cause. */
  macroForCause(causeId: string): string | null {
    return this.describe().macros.find((m) => m.causeIds.includes(causeId))?.id ?? null;
  }

  describe(): ReturnType<typeof describePack> {
    this.described ??= describePack(this.pack);
    return this.described;
  }
}
