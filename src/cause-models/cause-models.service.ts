import { Injectable } from '@nestjs/common';
import type { CauseModelWeights } from '../engine';
import { findMacro, validateModelWeights } from '../knowledge';
import type { FitSettings } from '../model/fit';
import { AppConfig } from '../platform/config/app-config.service';
import { EngineService } from '../triage/engine.service';
import { CauseModelStore, SHIPPED_VERSION, type StoredCauseModel } from './cause-model-store';
import { LabelSignalsRepository } from './label-signals.repository';
import { collectLabels, type CollectedLabels, type LabelCatalog, type TicketSignals } from './labels';
import { MIN_REFIT_LABELS, refit, type RefitMetrics } from './refit';

export class NotEnoughLabelsError extends Error {
  constructor(readonly labels: CollectedLabels) {
    const { override, tag, outcome } = labels.bySource;
    super(
      `a refit needs at least ${MIN_REFIT_LABELS} labelled tickets; the service holds ${labels.tickets.length} ` +
        `(agent overrides ${override}, cause_is_ tags ${tag}, solved outcomes of single-cause macros ${outcome})`,
    );
  }
}

export interface ListedCauseModel extends Omit<StoredCauseModel, 'id' | 'status' | 'createdAt'> {
  /** null for the pack's own weights, which are not stored. */
  id: string | null;
  status: StoredCauseModel['status'] | 'shipped';
  createdAt: string | null;
}

export interface RefitOptions {
  /** Folds of the cross-validation that scores the candidate. */
  folds?: number;
  settings?: Partial<FitSettings>;
}

export interface RefitSummary {
  version: string;
  status: 'active' | 'candidate';
  activated: boolean;
  base: string;
  labels: { total: number; override: number; tag: number; outcome: number; skipped: Record<string, number>; unknownTagCauses: number };
  metrics: RefitMetrics;
  seconds: number;
}

/** Refits of the cause model from the service's own labels, and switching between stored versions. */
@Injectable()
export class CauseModelsService {
  constructor(
    private readonly signals: LabelSignalsRepository,
    private readonly engine: EngineService,
    private readonly store: CauseModelStore,
    private readonly config: AppConfig,
  ) {}

  catalog(): LabelCatalog {
    const pack = this.engine.pack;
    return { causeIds: pack.causeIds, macroCauses: (id) => findMacro(pack, id)?.causeIds };
  }

  /** Every ticket with a signal naming its cause, its text still held. */
  async labelSignals(): Promise<TicketSignals[]> {
    const prefix = `${this.config.get('HELPDESK_TAG_PREFIX')}cause_is_`;
    return this.signals.ofPack(prefix, this.engine.defaultPackId);
  }

  async collect(): Promise<CollectedLabels> {
    return collectLabels(await this.labelSignals(), this.catalog(), this.config.get('HELPDESK_TAG_PREFIX'));
  }

  /** The active version and its weights (the pack's own for "0"), validated. */
  async active(): Promise<{ version: string; weights?: CauseModelWeights }> {
    const version = await this.store.activeVersion();
    if (version === SHIPPED_VERSION) return { version, weights: this.engine.pack.modelWeights };
    const weights = validateModelWeights(await this.store.weightsOf(version), this.engine.pack.causeIds, `cause model ${version}`);
    return { version, weights };
  }

  /**
   * Fits a candidate on the labels, regularised toward the active weights; stores it with its cross-validated
   * comparison against the active weights, and activates it when it is not worse.
   */
  async refit(options: RefitOptions = {}): Promise<RefitSummary> {
    const started = process.hrtime.bigint();
    const labels = await this.collect();
    if (labels.tickets.length < MIN_REFIT_LABELS) throw new NotEnoughLabelsError(labels);
    const active = await this.active();
    const pack = this.engine.pack;
    let result: ReturnType<typeof refit> | undefined;
    const stored = await this.store.addCandidate(pack.version, (version) => {
      result = refit({
        pack,
        labels: labels.tickets,
        active,
        version,
        folds: options.folds,
        settings: options.settings,
        gate: this.config.get('WRITEBACK_MIN_CONFIDENCE'),
        fitted: { source: 'refit', bySource: labels.bySource, at: new Date().toISOString() },
      });
      return { weights: result.weights, metrics: result.metrics };
    });
    const { metrics, activate } = result!;
    if (activate) await this.activate(stored.version);
    return {
      version: stored.version,
      status: activate ? 'active' : 'candidate',
      activated: activate,
      base: active.version,
      labels: { total: labels.tickets.length, ...labels.bySource, skipped: labels.skipped, unknownTagCauses: labels.unknownTagCauses },
      metrics,
      seconds: Math.round(Number(process.hrtime.bigint() - started) / 1e7) / 100,
    };
  }

  /** Activates a stored version ("0": the pack's own weights) after checking its weights against the pack. */
  async activate(idOrVersion: string): Promise<{ previous: string; active: string }> {
    if (idOrVersion !== SHIPPED_VERSION) {
      const found = await this.store.find(idOrVersion);
      if (!found) throw new Error(`no stored cause model ${idOrVersion} (see: npm run cli -- model list)`);
      const weights = validateModelWeights(
        await this.store.weightsOf(found.version),
        this.engine.pack.causeIds,
        `cause model ${found.version}`,
      );
      if (weights.version !== found.version)
        throw new Error(`cause model ${found.version}: its weights are labelled version ${weights.version}`);
    }
    return this.store.activate(idOrVersion);
  }

  /** Re-activates the version that was active before the current one (the pack's own when there was none). */
  async rollback(): Promise<{ previous: string; active: string }> {
    return this.activate(await this.store.previousVersion());
  }

  /** The pack's own "0" (status `active` when no stored version is, else `shipped`), then the stored versions, oldest first. */
  async list(): Promise<ListedCauseModel[]> {
    const stored = await this.store.list();
    const shipped: ListedCauseModel = {
      id: null,
      version: SHIPPED_VERSION,
      packVersion: this.engine.pack.modelWeights?.packVersion ?? this.engine.pack.version,
      status: stored.some((m) => m.status === 'active') ? 'shipped' : 'active',
      metrics: {},
      createdAt: null,
      activatedAt: null,
    };
    return [shipped, ...stored];
  }
}
