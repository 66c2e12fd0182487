import { TriageEngine, type CauseModelWeights } from '../engine';
import { loadDefaultPack, validateModelWeights } from '../knowledge';
import { encodeTickets, predictEncoded } from '../model/fit';
import { isNotWorse, refit, refitSettings } from './refit';
import { fittedFromModel } from '../model/fit';
import { generateLabelledTickets } from './testing/labelled-tickets';
import { rulesOnlyWeights } from '../engine/testing/rules-only';

const pack = loadDefaultPack();
const FAST = { calibrationFolds: 2, maxIterations: 40 };
const shipped = { version: '0', weights: pack.modelWeights };

describe('the activate-only-if-not-worse decision', () => {
  it('activates a candidate whose log-loss is not higher than the active one', () => {
    expect(isNotWorse({ logLoss: 0.4 }, { logLoss: 0.5 })).toBe(true);
    expect(isNotWorse({ logLoss: 0.5 }, { logLoss: 0.5 })).toBe(true);
    expect(isNotWorse({ logLoss: 0.5001 }, { logLoss: 0.5 })).toBe(false);
    expect(isNotWorse({ logLoss: Number.NaN }, { logLoss: 0.5 })).toBe(false);
    expect(isNotWorse({ logLoss: 0.5 }, { logLoss: Number.POSITIVE_INFINITY })).toBe(true);
  });
});

describe('refit', () => {
  const labels = generateLabelledTickets(6, 'unit');

  it('fits a candidate that validates, scores both models on the same tickets and decides by log-loss', () => {
    const result = refit({ pack, labels, active: shipped, version: '1', folds: 2, settings: FAST });
    expect(() => validateModelWeights(JSON.parse(JSON.stringify(result.weights)), pack.causeIds, 'candidate')).not.toThrow();
    expect(result.weights.version).toBe('1');
    expect(result.weights.packVersion).toBe(pack.version);
    const { metrics } = result;
    expect(metrics.labels).toBe(labels.length);
    expect(metrics.candidate.n).toBe(labels.length);
    expect(metrics.active.n).toBe(labels.length);
    expect(metrics.active.version).toBe('0');
    expect(result.activate).toBe(isNotWorse(metrics.candidate, metrics.active));
    expect(metrics.logLossChange).toBeCloseTo(metrics.candidate.logLoss - metrics.active.logLoss, 5);
  });

  it('keeps a candidate that does worse than the active weights as a candidate', () => {
    // Labels the text does not predict, and active weights that say "no idea" (every cause equally likely):
    // nothing scores better than that on such labels, and weights fitted to the noise score worse.
    const noisy = labels.map((t, i) => ({ ...t, label: pack.causeIds[(i * 7) % pack.causeIds.length] }));
    const uniform: CauseModelWeights = { ...rulesOnlyWeights(pack), version: '1', priorScale: 0 };
    const result = refit({ pack, labels: noisy, active: { version: '1', weights: uniform }, version: '2', folds: 2, settings: FAST });
    expect(result.metrics.active.logLoss).toBeCloseTo(Math.log(pack.causeIds.length), 5);
    expect(result.metrics.logLossChange).toBeGreaterThan(0);
    expect(result.activate).toBe(false);
  });

  it('scores active weights exactly as the engine does', () => {
    const { weights } = refit({ pack, labels, active: shipped, version: '1', folds: 2, settings: FAST });
    const engine = new TriageEngine(pack, weights);
    const encoded = encodeTickets(engine, labels.slice(0, 20), refitSettings(weights));
    const fitted = fittedFromModel(engine.model);
    encoded.forEach((t, i) => {
      const p = predictEncoded(fitted, t, pack.causeIds.length);
      const result = engine.triage({ subject: labels[i].subject, description: labels[i].description });
      for (const c of result.causes) expect(p[pack.causeIds.indexOf(c.id)]).toBeCloseTo(c.score, 3);
    });
  });

  it("keeps the active weights' hashed space whatever the settings say", () => {
    const active: CauseModelWeights = {
      ...(pack.modelWeights as CauseModelWeights),
      version: '3',
      hashBits: 16,
      charGrams: [3, 4],
      hashed: {},
    };
    const { weights } = refit({
      pack,
      labels,
      active: { version: '3', weights: active },
      version: '4',
      folds: 2,
      settings: { ...FAST, hashBits: 18, charGrams: [0, 0] },
    });
    expect({ hashBits: weights.hashBits, charGrams: weights.charGrams }).toEqual({ hashBits: 16, charGrams: [3, 4] });
    expect(refitSettings(weights, { hashBits: 18, charGrams: [0, 0] })).toMatchObject({ hashBits: 16, charGrams: [3, 4] });
  });
});
