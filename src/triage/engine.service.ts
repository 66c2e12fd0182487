import { Inject, Injectable, Logger, NotFoundException, Optional } from '@nestjs/common';
import {
  AnyProductPlugin,
  CauseModelWeights,
  CompiledPack,
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
import {
  bundledPacksDir,
  describePack,
  findMacro,
  hasRouting,
  loadPacks,
  routeTicket,
  validateModelWeights,
  type LoadedPack,
  type PackDescription,
  type PackRouting,
  type RoutedTicket,
} from '../knowledge';
import { PRODUCT_PLUGINS } from '../products';

export type TriageOutput = TriageResult & { packId: string; triagedAt: string };

export interface LearnedState {
  stats: FixStatsSnapshot;
}

/** The product plugins packs may name; the service's registry unless a test provides its own. */
export const PRODUCT_PLUGIN_REGISTRY = Symbol('PRODUCT_PLUGIN_REGISTRY');

/** One loaded pack with the engine that runs it. */
interface PackEngine extends LoadedPack {
  engine: TriageEngine;
  described?: PackDescription;
}

/** A pack as GET /v1/packs lists it. */
export interface PackSummary {
  id: string;
  name: string;
  version: string;
  modelVersion: string;
  plugins: { name: string; params: Record<string, unknown> }[];
  routing: PackRouting;
  rulesOnly: boolean;
  default: boolean;
}

/**
 * The knowledge packs of PACKS_DIR and their engines, loaded and compiled once per process and again on a
 * reload (SIGHUP or the admin call, see PackReloader): a new set is built whole and swapped in, so a triage in
 * progress finishes with the engine it started with, and a set that fails validation leaves the running one.
 * The cause-model weights (CauseModelReloader) belong to the default pack.
 */
@Injectable()
export class EngineService {
  private readonly logger = new Logger('Packs');
  private packs: ReadonlyMap<string, PackEngine>;
  private order: readonly PackEngine[];
  private defaultId: string;
  /** The cause-model weights switched to (undefined: the pack's own), kept across reloads of the default pack. */
  private activeWeights: { weights: CauseModelWeights; where: string } | undefined;
  private readonly exploration: 'off' | 'thompson';
  private readonly packsDir: string;
  private readonly registry: readonly AnyProductPlugin[];

  /** Write-back decision bounds (WRITEBACK_MIN_CONFIDENCE, BAND_MEDIUM_MIN). */
  private readonly gate: TriageGate;

  constructor(config: AppConfig, @Optional() @Inject(PRODUCT_PLUGIN_REGISTRY) registry?: readonly AnyProductPlugin[]) {
    this.exploration = config.get('EXPLORATION');
    this.gate = config.gate;
    this.packsDir = config.get('PACKS_DIR') ?? bundledPacksDir();
    this.registry = registry ?? PRODUCT_PLUGINS;
    const loaded = this.load(config.get('DEFAULT_PACK'));
    this.packs = loaded.packs;
    this.order = loaded.order;
    this.defaultId = loaded.defaultId;
  }

  private load(defaultId: string) {
    const set = loadPacks(this.packsDir, defaultId, this.registry, (line) => this.logger.log(line));
    const order: PackEngine[] = set.packs.map((p) => ({ ...p, engine: new TriageEngine(p.pack) }));
    return { packs: new Map(order.map((p) => [p.id, p])), order, defaultId: set.defaultId };
  }

  /**
   * Reads PACKS_DIR again and swaps the new packs in. A pack that fails validation throws PackValidationError
   * (naming the file and field) and the packs in use stay. The default pack keeps the cause-model version in use
   * when its weights still fit; else it runs on its own and says so.
   */
  reload(): PackSummary[] {
    const next = this.load(this.defaultId);
    const active = this.activeWeights;
    if (active) {
      const def = next.packs.get(next.defaultId)!;
      try {
        def.engine = new TriageEngine(def.pack, validateModelWeights(active.weights, def.pack.causeIds, active.where));
      } catch (err) {
        this.logger.error(
          `${active.where} does not fit the reloaded pack ${def.id}, which runs on its own weights: ${(err as Error).message}`,
        );
        this.activeWeights = undefined;
      }
    }
    this.packs = next.packs;
    this.order = next.order;
    this.logger.log(`packs reloaded: ${next.order.map((p) => `${p.id} ${p.pack.version}`).join(', ')}`);
    return this.list();
  }

  private get defaultPack(): PackEngine {
    return this.packs.get(this.defaultId)!;
  }

  /** The id of the pack triaging tickets no routing claims. */
  get defaultPackId(): string {
    return this.defaultId;
  }

  /** The default pack (compiled). */
  get pack(): CompiledPack {
    return this.defaultPack.pack;
  }

  get engine(): TriageEngine {
    return this.defaultPack.engine;
  }

  get packVersion(): string {
    return this.defaultPack.engine.packVersion;
  }

  /** `<packVersion>/<weights version>` of the default pack, as its triage results record it. */
  get modelVersion(): string {
    return this.defaultPack.engine.modelVersion;
  }

  /** The version of the default pack's weights in use: "0" for the pack's own. */
  get weightsVersion(): string {
    return this.defaultPack.engine.model.version;
  }

  /** Whether a pack of this id is loaded. */
  hasPack(id: string): boolean {
    return this.packs.has(id);
  }

  /** The pack of this id (the default one when none is named); an unknown id is a 404 with the error shape. */
  packOf(id?: string): PackEngine {
    if (id === undefined || id === '') return this.defaultPack;
    const found = this.packs.get(id);
    if (!found) {
      throw new NotFoundException({
        error: {
          code: 'PACK.NOT_FOUND',
          message: `No pack ${id.slice(0, 64)} (loaded: ${this.order.map((p) => p.id).join(', ')})`,
          details: [id.slice(0, 64)],
        },
      });
    }
    return found;
  }

  /** The pack a ticket goes to: the first (by id) whose routing matches, else the default. */
  route(ticket: RoutedTicket): string {
    return routeTicket(this.order, this.defaultId, ticket);
  }

  /**
   * Switches the default pack's cause-model weights: `undefined` goes back to the pack's own. Weights are
   * validated against the pack first; bad ones throw and the engine in use stays.
   */
  useWeights(weights: unknown, where = 'cause model'): string {
    const target = this.defaultPack;
    const checked: CauseModelWeights | undefined =
      weights === undefined ? undefined : validateModelWeights(weights, target.pack.causeIds, where);
    const next = new TriageEngine(target.pack, checked);
    target.engine = next;
    this.activeWeights = checked ? { weights: checked, where } : undefined;
    return next.modelVersion;
  }

  /** Triage with a pack (the default one unless named), the fix statistics learned so far and its weights. */
  triage(input: TriageInput, learned: Partial<LearnedState> = {}, now = new Date(), packId?: string): TriageOutput {
    const target = this.packOf(packId);
    const options: TriageOptions = {
      stats: learned.stats ?? EMPTY_FIX_STATS,
      gate: this.gate,
      ...(this.exploration === 'thompson' ? { exploration: 'thompson', random: Math.random } : {}),
    };
    return { ...target.engine.triage(input, options), packId: target.id, triagedAt: now.toISOString() };
  }

  /** A macro rendered for a ticket (an agent's override picks another macro than the engine did). */
  renderMacro(idOrAlias: string, input: TriageInput, entities: Record<string, unknown>, packId?: string): RenderedMacro | null {
    const target = this.packOf(packId);
    const macro = findMacro(target.pack, idOrAlias);
    return macro ? renderMacro(macro, input, target.engine.macroSubjectOf(entities)) : null;
  }

  hasCause(id: string, packId?: string): boolean {
    return this.describe(packId).causes.some((c) => c.id === id);
  }

  /** The first (most specific) macro of a cause. */
  macroForCause(causeId: string, packId?: string): string | null {
    return this.describe(packId).macros.find((m) => m.causeIds.includes(causeId))?.id ?? null;
  }

  /**
   * The pack a stored ticket belongs to, whose causes and macros an agent's override, a named outcome and an
   * applied-fix tag are read in: the pack of its latest triage (`packId`, even when that pack is no longer loaded),
   * else, before any triage, the one routing chooses for it now (the one its first triage will use).
   */
  packOfTicket(ticket: RoutedTicket & { readonly packId?: string | null }): string {
    return ticket.packId || this.route(ticket);
  }

  /** A macro of the named pack by its id or an alias, as the catalog describes it; undefined when that pack has none or is not loaded. */
  macroOfPack(idOrAlias: string, packId: string): PackDescription['macros'][number] | undefined {
    if (!this.packs.has(packId)) return undefined;
    return this.describe(packId).macros.find((m) => m.id === idOrAlias || m.aliases.includes(idOrAlias));
  }

  /** Whether the named pack is loaded and has this cause. */
  packHasCause(causeId: string, packId: string): boolean {
    return this.packs.has(packId) && this.hasCause(causeId, packId);
  }

  describe(packId?: string): PackDescription {
    const target = this.packOf(packId);
    target.described ??= describePack(target.pack);
    return target.described;
  }

  /** The loaded packs, in routing order. */
  list(): PackSummary[] {
    return this.order.map((p) => ({
      id: p.id,
      name: p.pack.definition.name,
      version: p.pack.version,
      modelVersion: p.engine.modelVersion,
      plugins: p.pack.definition.plugins.map((pl) => ({ name: pl.name, params: { ...(pl.params as Record<string, unknown>) } })),
      routing: p.routing,
      rulesOnly: p.rulesOnly,
      default: p.id === this.defaultId,
    }));
  }

  /** Whether any pack's routing names tags: only then does routing need a ticket's stored tags. */
  get routesByTags(): boolean {
    return this.order.some((p) => p.routing.tags !== undefined);
  }

  /** Whether any pack routes by its own rules (else every ticket goes to the default pack). */
  get routes(): boolean {
    return this.order.some((p) => hasRouting(p.routing));
  }
}
