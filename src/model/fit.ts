/**
 * Fitting the cause model (see src/engine/cause-model.ts) to labelled tickets: a multinomial logistic
 * regression over the rules' named features and hashed word features, with the rules' own verdict as an
 * offset, each group of weights regularised toward zero (so the hand-written weights are the prior and data
 * moves them), then the rules' scale and a temperature fitted on out-of-fold scores of tickets the rules were
 * not written against, so confidence is a probability on new tickets. Pure and
 * deterministic: the same tickets and settings give the same weights.
 */
import { createHash } from 'node:crypto';
import { CauseModel, hashedScale, type CauseModelWeights, type TriageEngine, type TriageInput } from '../engine';
import { minimize } from './lbfgs';

export interface LabelledTicket {
  readonly id: string;
  readonly subject?: string;
  readonly description: string;
  readonly label: string;
  readonly also?: readonly string[];
  readonly lang?: string;
  readonly channel?: string;
}

/** A ticket as the fitter sees it: the rules' verdict and the features present. */
export interface EncodedTicket {
  readonly id: string;
  readonly label: number;
  /** The rules alone, per cause (log-odds). */
  readonly prior: Float64Array;
  readonly named: readonly string[];
  /** Hashed bucket -> value (occurrences, damped on long tickets). */
  readonly hashed: ReadonlyMap<number, number>;
}

export interface FitSettings {
  readonly l2Named: number;
  readonly l2Hashed: number;
  readonly l2Bias: number;
  /**
   * Pull of the rules' scale toward 1 (toward the base model's scale on a refit) while the weights are
   * fitted: strong, since most training tickets are ones the rules were written from; the scale that holds
   * on new tickets is fitted afterwards, on out-of-fold scores of the calibration tickets.
   */
  readonly l2PriorScale: number;
  /** A feature must occur in at least this many training tickets to get a weight. */
  readonly minCount: number;
  readonly hashBits: number;
  readonly charGrams: readonly [number, number];
  readonly maxIterations: number;
  /** Folds of the inner cross-validation that fits the temperature. */
  readonly calibrationFolds: number;
}

export const DEFAULT_FIT_SETTINGS: FitSettings = Object.freeze({
  l2Named: 2,
  l2Hashed: 4,
  l2Bias: 1,
  l2PriorScale: 1000,
  minCount: 2,
  hashBits: 18,
  charGrams: [0, 0] as const,
  maxIterations: 300,
  calibrationFolds: 3,
});

/** Learned parameters before serialization: deltas over a base model (or over the rules alone). */
export interface RawModel {
  priorScale: number;
  bias: Float64Array;
  named: Map<string, Float64Array>;
  hashed: Map<number, Float64Array>;
}

/** Encodes tickets once; the encoding depends only on the pack and the hashed-feature settings. */
export function encodeTickets(
  engine: TriageEngine,
  tickets: readonly LabelledTicket[],
  settings: Pick<FitSettings, 'hashBits' | 'charGrams'>,
): EncodedTicket[] {
  const causeIndex = new Map(engine.causeIds.map((id, i) => [id, i] as const));
  const features = new CauseModel(engine.causeIds, {
    format: 1,
    version: 'encode',
    packVersion: engine.packVersion,
    causes: engine.causeIds,
    hashBits: settings.hashBits,
    charGrams: settings.charGrams,
    temperature: 1,
    priorScale: 1,
    bias: engine.causeIds.map(() => 0),
    named: {},
    hashed: {},
  });
  return tickets.map((t) => {
    const label = causeIndex.get(t.label);
    if (label === undefined) throw new Error(`ticket ${t.id}: label "${t.label}" is not a cause of the pack`);
    const input: TriageInput = { subject: t.subject, description: t.description };
    const analysis = engine.analyse(input);
    const counts = new Map<number, number>();
    let n = 0;
    engine.forEachWordFeature(
      analysis,
      (bucket) => {
        n++;
        counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
      },
      features,
    );
    const scale = hashedScale(n);
    if (scale !== 1) for (const [b, c] of counts) counts.set(b, c * scale);
    return { id: t.id, label, prior: analysis.prior, named: analysis.named.map((f) => f.name), hashed: counts };
  });
}

/** The logits (before temperature) a raw model gives an encoded ticket, on top of the base model's. */
function logitsOf(raw: RawModel, base: CauseModel | undefined, t: EncodedTicket, k: number, out: Float64Array): Float64Array {
  for (let c = 0; c < k; c++) out[c] = raw.priorScale * t.prior[c] + raw.bias[c];
  for (const name of t.named) {
    const w = raw.named.get(name);
    if (w) for (let c = 0; c < k; c++) out[c] += w[c];
  }
  for (const [bucket, value] of t.hashed) {
    const w = raw.hashed.get(bucket);
    if (w) for (let c = 0; c < k; c++) out[c] += value * w[c];
    if (base) base.addHashed(bucket, value, out);
  }
  if (base) {
    for (let c = 0; c < k; c++) out[c] += base.bias[c];
    for (const name of t.named) {
      const w = base.namedWeights(name);
      if (w) for (let c = 0; c < k; c++) out[c] += w[c];
    }
  }
  return out;
}

/**
 * Fits deltas over `base` (or over the rules alone) by L-BFGS on the regularised log-loss. Returns the
 * merged model (base plus deltas), without a temperature.
 */
function fitRaw(encoded: readonly EncodedTicket[], k: number, settings: FitSettings, base?: CauseModel): RawModel {
  // Columns: features present in at least minCount training tickets.
  const namedCount = new Map<string, number>();
  const hashedCount = new Map<number, number>();
  for (const t of encoded) {
    for (const name of new Set(t.named)) namedCount.set(name, (namedCount.get(name) ?? 0) + 1);
    for (const bucket of t.hashed.keys()) hashedCount.set(bucket, (hashedCount.get(bucket) ?? 0) + 1);
  }
  const namedCols = [...namedCount]
    .filter(([, c]) => c >= settings.minCount)
    .map(([n]) => n)
    .sort();
  const hashedCols = [...hashedCount]
    .filter(([, c]) => c >= settings.minCount)
    .map(([b]) => b)
    .sort((a, b) => a - b);
  const namedAt = new Map(namedCols.map((n, i) => [n, i] as const));
  const hashedAt = new Map(hashedCols.map((b, i) => [b, namedCols.length + i] as const));
  const columns = namedCols.length + hashedCols.length;

  // Sparse rows and the fixed part of each ticket's logits (the base model, rules at the base scale).
  const basePriorScale = base ? base.priorScale : 1;
  const rows = encoded.map((t) => {
    const cols: number[] = [];
    const vals: number[] = [];
    for (const name of new Set(t.named)) {
      const at = namedAt.get(name);
      if (at !== undefined) {
        cols.push(at);
        vals.push(1);
      }
    }
    for (const [bucket, value] of t.hashed) {
      const at = hashedAt.get(bucket);
      if (at !== undefined) {
        cols.push(at);
        vals.push(value);
      }
    }
    const offset = new Float64Array(k);
    if (base) {
      const zero: RawModel = { priorScale: base.priorScale, bias: new Float64Array(k), named: new Map(), hashed: new Map() };
      logitsOf(zero, base, t, k, offset);
    } else for (let c = 0; c < k; c++) offset[c] = t.prior[c];
    return { cols: Int32Array.from(cols), vals: Float64Array.from(vals), offset, prior: t.prior, label: t.label };
  });

  // Parameters: [priorScale delta, bias (k), weights (columns x k)].
  const size = 1 + k + columns * k;
  const lambdaOf = new Float64Array(size);
  lambdaOf[0] = settings.l2PriorScale;
  for (let c = 0; c < k; c++) lambdaOf[1 + c] = settings.l2Bias;
  for (let col = 0; col < columns; col++) {
    const l = col < namedCols.length ? settings.l2Named : settings.l2Hashed;
    for (let c = 0; c < k; c++) lambdaOf[1 + k + col * k + c] = l;
  }
  const z = new Float64Array(k);
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    let loss = 0;
    grad.fill(0);
    for (let j = 0; j < size; j++) {
      loss += 0.5 * lambdaOf[j] * theta[j] * theta[j];
      grad[j] = lambdaOf[j] * theta[j];
    }
    for (const r of rows) {
      for (let c = 0; c < k; c++) z[c] = r.offset[c] + theta[0] * r.prior[c] + theta[1 + c];
      for (let e = 0; e < r.cols.length; e++) {
        const at = 1 + k + r.cols[e] * k;
        const v = r.vals[e];
        for (let c = 0; c < k; c++) z[c] += v * theta[at + c];
      }
      let max = -Infinity;
      for (let c = 0; c < k; c++) if (z[c] > max) max = z[c];
      let sum = 0;
      for (let c = 0; c < k; c++) {
        z[c] = Math.exp(z[c] - max);
        sum += z[c];
      }
      loss -= Math.log(z[r.label] / sum);
      // z becomes the residual p - y.
      for (let c = 0; c < k; c++) z[c] = z[c] / sum - (c === r.label ? 1 : 0);
      for (let c = 0; c < k; c++) {
        grad[0] += z[c] * r.prior[c];
        grad[1 + c] += z[c];
      }
      for (let e = 0; e < r.cols.length; e++) {
        const at = 1 + k + r.cols[e] * k;
        const v = r.vals[e];
        for (let c = 0; c < k; c++) grad[at + c] += v * z[c];
      }
    }
    return loss;
  };
  const { x: theta } = minimize(objective, new Float64Array(size), { maxIterations: settings.maxIterations });

  const raw: RawModel = { priorScale: basePriorScale + theta[0], bias: new Float64Array(k), named: new Map(), hashed: new Map() };
  for (let c = 0; c < k; c++) raw.bias[c] = theta[1 + c] + (base ? base.bias[c] : 0);
  namedCols.forEach((name, col) => {
    const w = theta.slice(1 + k + col * k, 1 + k + (col + 1) * k);
    const b = base?.namedWeights(name);
    if (b) for (let c = 0; c < k; c++) w[c] += b[c];
    raw.named.set(name, w);
  });
  hashedCols.forEach((bucket, i) => {
    const col = namedCols.length + i;
    const w = theta.slice(1 + k + col * k, 1 + k + (col + 1) * k);
    if (base) for (let c = 0; c < k; c++) w[c] += base.hashedWeight(bucket, c);
    raw.hashed.set(bucket, w);
  });
  // Base weights of features too rare to refit carry over unchanged.
  if (base) mergeBaseRest(raw, base);
  return raw;
}

/** On a refit, the base model's weights for features the new data did not touch are kept as they were. */
function mergeBaseRest(raw: RawModel, base: CauseModel): void {
  for (const [name, w] of base.namedEntries()) if (!raw.named.has(name)) raw.named.set(name, Float64Array.from(w));
  for (const [bucket, w] of base.hashedEntries()) if (!raw.hashed.has(bucket)) raw.hashed.set(bucket, w);
}

/** Deterministic folds: tickets ordered by (label, hash of id), dealt round-robin, so each fold keeps the label mix. */
export function foldsOf(tickets: readonly { id: string; label: string | number }[], k: number): number[] {
  const order = tickets
    .map((t, i) => ({ i, key: `${String(t.label)}\u0000${createHash('sha256').update(t.id).digest('hex')}` }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const fold = new Array<number>(tickets.length);
  order.forEach((o, n) => (fold[o.i] = n % k));
  return fold;
}

function softmaxInto(z: Float64Array, temperature: number): Float64Array {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  const p = new Float64Array(z.length);
  let sum = 0;
  for (let c = 0; c < z.length; c++) {
    p[c] = Math.exp((z[c] - max) / temperature);
    sum += p[c];
  }
  for (let c = 0; c < z.length; c++) p[c] /= sum;
  return p;
}

/** A ticket's logits split into the rules' part (priorScale x prior) and the learned part (all the rest). */
interface SplitLogits {
  readonly rules: Float64Array;
  readonly learned: Float64Array;
}

function splitLogitsOf(raw: RawModel, t: EncodedTicket, k: number): SplitLogits {
  const all = logitsOf(raw, undefined, t, k, new Float64Array(k));
  const rules = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    rules[c] = raw.priorScale * t.prior[c];
    all[c] -= rules[c];
  }
  return { rules, learned: all };
}

/** Out-of-fold logits of `encoded`, split in two parts, each fold fitted on the others plus `always`. */
function outOfFoldLogits(
  encoded: readonly EncodedTicket[],
  always: readonly EncodedTicket[],
  k: number,
  folds: number,
  settings: FitSettings,
  base?: CauseModel,
): SplitLogits[] {
  const fold = foldsOf(
    encoded.map((t) => ({ id: t.id, label: t.label })),
    folds,
  );
  const out: SplitLogits[] = new Array(encoded.length);
  for (let f = 0; f < folds; f++) {
    const train = [...always, ...encoded.filter((_, i) => fold[i] !== f)];
    const raw = fitRaw(train, k, settings, base);
    encoded.forEach((t, i) => {
      if (fold[i] === f) out[i] = splitLogitsOf(raw, t, k);
    });
  }
  return out;
}

/**
 * The combination of the two parts that minimizes log-loss on out-of-fold logits: p = softmax(a * rules +
 * b * learned). `b` is an inverse temperature; `a` / `b` rescales the rules against what was learned. Fitted
 * on tickets the rules were not written against, this is where the model learns how far to trust the rules
 * on new tickets (on the tickets they were written from, they look perfect).
 */
export function fitCombination(parts: readonly SplitLogits[], labels: readonly number[]): { rules: number; learned: number } {
  if (parts.length === 0) return { rules: 1, learned: 1 };
  const k = parts[0].rules.length;
  const z = new Float64Array(k);
  const objective = (x: Float64Array, grad: Float64Array) => {
    const [a, b] = x;
    let loss = 0.5 * 1e-3 * ((a - 1) ** 2 + (b - 1) ** 2);
    grad[0] = 1e-3 * (a - 1);
    grad[1] = 1e-3 * (b - 1);
    parts.forEach((p, i) => {
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        z[c] = a * p.rules[c] + b * p.learned[c];
        if (z[c] > max) max = z[c];
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(z[c] - max);
      loss -= z[labels[i]] - max - Math.log(sum);
      for (let c = 0; c < k; c++) {
        const r = Math.exp(z[c] - max) / sum - (c === labels[i] ? 1 : 0);
        grad[0] += r * p.rules[c];
        grad[1] += r * p.learned[c];
      }
    });
    return loss;
  };
  const { x } = minimize(objective, Float64Array.from([1, 1]), { maxIterations: 200, relativeTolerance: 1e-10 });
  // A non-positive inverse temperature would turn the ranking over: keep it positive.
  return { rules: x[0], learned: Math.max(1e-3, x[1]) };
}

export interface FittedModel {
  readonly raw: RawModel;
  readonly temperature: number;
}

/** A served model in the fitter's form (to score it as the fitter scores candidates, or to refit over it). */
export function fittedFromModel(model: CauseModel): FittedModel {
  return {
    raw: {
      priorScale: model.priorScale,
      bias: Float64Array.from(model.bias),
      named: new Map(model.namedEntries()),
      hashed: new Map(model.hashedEntries()),
    },
    temperature: model.temperature,
  };
}

/**
 * Tickets to fit on. `calibration` tickets are those the rules were not written against: the temperature is
 * fitted on their out-of-fold scores (an inner cross-validation over them, `fixed` always in training), since
 * the rules look surer on the tickets they were written from than they are on new ones. Without any, the
 * inner cross-validation runs over all tickets.
 */
export interface TrainingSet {
  readonly fixed: readonly EncodedTicket[];
  readonly calibration: readonly EncodedTicket[];
}

/**
 * Fits a cause model: the weights on all tickets, the temperature on out-of-fold logits of an inner
 * cross-validation (so it reflects tickets the weights were not fitted on).
 */
export function fitModel(set: TrainingSet, k: number, settings: FitSettings = DEFAULT_FIT_SETTINGS, base?: CauseModel): FittedModel {
  const all = [...set.fixed, ...set.calibration];
  const raw = fitRaw(all, k, settings, base);
  const [held, always] = set.calibration.length > 0 ? [set.calibration, set.fixed] : [set.fixed, []];
  const folds = Math.min(settings.calibrationFolds, held.length);
  if (folds < 2) return { raw, temperature: 1 };
  const { rules, learned } = fitCombination(
    outOfFoldLogits(held, always, k, folds, settings, base),
    held.map((t) => t.label),
  );
  // softmax(a * rules + b * learned) = softmax((priorScale' * prior + learned) / T) with T = 1 / b.
  raw.priorScale *= rules / learned;
  return { raw, temperature: 1 / learned };
}

/** Calibrated probabilities a fitted model gives an encoded ticket. */
export function predictEncoded(model: FittedModel, t: EncodedTicket, k: number): Float64Array {
  return softmaxInto(logitsOf(model.raw, undefined, t, k, new Float64Array(k)), model.temperature);
}

/**
 * Cross-validated probabilities: for each of `folds` folds, everything learned (weights and, nested inside,
 * the rules' scale and the temperature) is fitted on the other folds plus `extra` (tickets always in
 * training; those given as `calibration` also calibrate, like the other folds), and the fold is scored.
 * Returns probabilities in the order of `encoded`.
 */
export function crossValidate(
  encoded: readonly EncodedTicket[],
  extra: readonly EncodedTicket[] | TrainingSet,
  k: number,
  folds: number,
  settings: FitSettings = DEFAULT_FIT_SETTINGS,
  base?: CauseModel,
): Float64Array[] {
  const fold = foldsOf(
    encoded.map((t) => ({ id: t.id, label: t.label })),
    folds,
  );
  const out: Float64Array[] = new Array(encoded.length);
  const always: TrainingSet = 'fixed' in extra ? extra : { fixed: extra, calibration: [] };
  for (let f = 0; f < folds; f++) {
    const rest = encoded.filter((_, i) => fold[i] !== f);
    const model = fitModel({ fixed: always.fixed, calibration: [...always.calibration, ...rest] }, k, settings, base);
    encoded.forEach((t, i) => {
      if (fold[i] === f) out[i] = predictEncoded(model, t, k);
    });
  }
  return out;
}

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/** Serializes a fitted model: sparse [cause, weight] pairs, weights under `minWeight` dropped. */
export function toWeights(
  model: FittedModel,
  meta: {
    version: string;
    packVersion: string;
    causes: readonly string[];
    settings: FitSettings;
    fitted?: Record<string, unknown>;
    minWeight?: number;
  },
): CauseModelWeights {
  const minWeight = meta.minWeight ?? 0.002;
  const sparse = (w: Float64Array) => {
    const pairs: [number, number][] = [];
    w.forEach((v, c) => {
      if (Math.abs(v) >= minWeight) pairs.push([c, round(v, 4)]);
    });
    return pairs;
  };
  const named: Record<string, [number, number][]> = {};
  for (const [name, w] of [...model.raw.named].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const pairs = sparse(w);
    if (pairs.length) named[name] = pairs;
  }
  const hashed: Record<string, [number, number][]> = {};
  for (const [bucket, w] of [...model.raw.hashed].sort(([a], [b]) => a - b)) {
    const pairs = sparse(w);
    if (pairs.length) hashed[String(bucket)] = pairs;
  }
  return {
    format: 1,
    version: meta.version,
    packVersion: meta.packVersion,
    causes: [...meta.causes],
    hashBits: meta.settings.hashBits,
    charGrams: [meta.settings.charGrams[0], meta.settings.charGrams[1]],
    temperature: round(model.temperature, 4),
    priorScale: round(model.raw.priorScale, 4),
    bias: [...model.raw.bias].map((b) => round(b, 4)),
    named,
    hashed,
    ...(meta.fitted ? { fitted: meta.fitted } : {}),
  };
}
