import { Injectable } from '@nestjs/common';
import {
  DeviceEntity,
  EMPTY_FIX_STATS,
  FixStatsSnapshot,
  renderMacro,
  RenderedMacro,
  TriageEngine,
  TriageInput,
  TriageOptions,
  TriageResult,
} from '../engine';
import type { CauseFeedback } from '../outcomes/fix-stats.service';
import { AppConfig } from '../platform/config/app-config.service';
import { describePack, findMacro, loadDefaultPack } from '../knowledge';

export type TriageOutput = TriageResult & { triagedAt: string };

export interface LearnedState {
  stats: FixStatsSnapshot;
  feedback: CauseFeedback;
}

/** The engine and its knowledge pack, loaded and compiled once per process. */
@Injectable()
export class EngineService {
  readonly pack = loadDefaultPack();
  readonly engine = new TriageEngine(this.pack);
  private described?: ReturnType<typeof describePack>;
  private readonly exploration: 'off' | 'thompson';

  constructor(config: AppConfig) {
    this.exploration = config.get('EXPLORATION');
  }

  get packVersion(): string {
    return this.engine.packVersion;
  }

  /** Triage with what has been learned so far (fix statistics, and agents' feedback on causes). */
  triage(input: TriageInput, learned: Partial<LearnedState> = {}, now = new Date()): TriageOutput {
    const options: TriageOptions = {
      stats: learned.stats ?? EMPTY_FIX_STATS,
      ...(this.exploration === 'thompson' ? { exploration: 'thompson', random: Math.random } : {}),
    };
    return { ...this.engine.triage(input, options), triagedAt: now.toISOString() };
  }

  /** A macro rendered for a ticket (an agent's override picks another macro than the engine did). */
  renderMacro(idOrAlias: string, input: TriageInput, entities: Record<string, unknown>): RenderedMacro | null {
    const macro = findMacro(this.pack, idOrAlias);
    return macro ? renderMacro(macro, input, entities.device as DeviceEntity | undefined) : null;
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
