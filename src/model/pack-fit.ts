/**
 * Fitting a pack's shipped cause model (`model.json`, version 0) from the labelled files its
 * `training.yaml` lists, deterministically: the same files give the same bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { CauseModelWeights, CompiledPack } from '../engine';
import { TriageEngine } from '../engine';
import { splitHoldout } from '../evaluation/split';
import { DEFAULT_FIT_SETTINGS, encodeTickets, fitModel, toWeights, type FitSettings, type LabelledTicket } from './fit';
import { readLabelledFile } from './labelled-file';

export const TRAINING_FILE_NAME = 'training.yaml';

export interface TrainingInput {
  /** Path relative to the project root (or absolute). */
  readonly path: string;
  /** `holdout`: leave out the held-out quarter of the file (src/evaluation/split.ts). */
  readonly exclude?: 'holdout';
  /**
   * Tickets the pack's rules were not written against: the temperature is fitted on their cross-validated
   * scores, so confidence holds on new tickets.
   */
  readonly calibrate?: boolean;
}

export interface TrainingSpec {
  readonly inputs: readonly TrainingInput[];
  readonly settings?: Partial<FitSettings>;
}

/** The fit settings recorded in a model's `fitted` block, if any. */
export function fitSettingsOf(weights: CauseModelWeights | undefined): FitSettings | undefined {
  const recorded = weights?.fitted?.settings as Partial<FitSettings> | undefined;
  return recorded ? { ...DEFAULT_FIT_SETTINGS, ...recorded } : undefined;
}

export function readTrainingSpec(packDir: string): TrainingSpec {
  const file = path.join(packDir, TRAINING_FILE_NAME);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: give the labelled files with --input`);
  const spec = parseYaml(fs.readFileSync(file, 'utf8')) as TrainingSpec;
  if (!spec || !Array.isArray(spec.inputs) || spec.inputs.some((i) => typeof i?.path !== 'string')) {
    throw new Error(`${file}: "inputs" must list {path, exclude?}`);
  }
  return spec;
}

/** The labelled tickets of a pack's training inputs, split into fixed and calibration tickets. */
export function readTrainingTickets(
  pack: CompiledPack,
  inputs: readonly TrainingInput[],
  root: string,
): { fixed: LabelledTicket[]; calibration: LabelledTicket[]; described: Record<string, unknown>[] } {
  const fixed: LabelledTicket[] = [];
  const calibration: LabelledTicket[] = [];
  const described: Record<string, unknown>[] = [];
  for (const input of inputs) {
    const file = readLabelledFile(path.resolve(root, input.path));
    const kept = input.exclude === 'holdout' ? splitHoldout(file.tickets).fit : file.tickets;
    const unknown = [...new Set(kept.map((t) => t.label).filter((l) => !pack.causeIndex.has(l)))];
    if (unknown.length) throw new Error(`${input.path}: labels that are not causes of the pack: ${unknown.join(', ')}`);
    (input.calibrate ? calibration : fixed).push(...kept);
    described.push({
      path: input.path,
      sha256: file.sha256,
      tickets: kept.length,
      ...(input.exclude ? { exclude: input.exclude } : {}),
      ...(input.calibrate ? { calibrate: true } : {}),
    });
  }
  return { fixed, calibration, described };
}

/** Fits weights for `pack` on the inputs (paths resolved against `root`). */
export function fitPackModel(
  pack: CompiledPack,
  inputs: readonly TrainingInput[],
  root: string,
  overrides: Partial<FitSettings> = {},
): { weights: CauseModelWeights; tickets: number; seconds: number } {
  const started = process.hrtime.bigint();
  const settings: FitSettings = { ...DEFAULT_FIT_SETTINGS, ...overrides };
  const { fixed: tickets, calibration: calibrate, described } = readTrainingTickets(pack, inputs, root);
  if (tickets.length + calibrate.length === 0) throw new Error('no labelled tickets to fit on');
  const engine = new TriageEngine(pack);
  const model = fitModel(
    { fixed: encodeTickets(engine, tickets, settings), calibration: encodeTickets(engine, calibrate, settings) },
    pack.causeIds.length,
    settings,
  );
  const weights = toWeights(model, {
    version: '0',
    packVersion: pack.version,
    causes: pack.causeIds,
    settings,
    fitted: { inputs: described, tickets: tickets.length + calibrate.length, settings },
  });
  return { weights, tickets: tickets.length + calibrate.length, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
