import { Injectable } from '@nestjs/common';
import { EMPTY_FIX_STATS, FixStatsSnapshot, TriageEngine, TriageInput, TriageResult } from '../engine';
import { describePack, loadDefaultPack } from '../knowledge';

export type TriageOutput = TriageResult & { triagedAt: string };

/** The engine and its knowledge pack, loaded and compiled once per process. */
@Injectable()
export class EngineService {
  readonly pack = loadDefaultPack();
  readonly engine = new TriageEngine(this.pack);
  private described?: ReturnType<typeof describePack>;

  get packVersion(): string {
    return this.engine.packVersion;
  }

  triage(input: TriageInput, stats: FixStatsSnapshot = EMPTY_FIX_STATS, now = new Date()): TriageOutput {
    return { ...this.engine.triage(input, { stats }), triagedAt: now.toISOString() };
  }

  describe(): ReturnType<typeof describePack> {
    this.described ??= describePack(this.pack);
    return this.described;
  }
}
