/**
 * Product plugins: what a pack knows of its product beyond words. A plugin extracts typed entities from a
 * ticket, names derived rules (a symptom found from entities instead of text), may help the scope step and
 * may pick the macro variant. Plugins are compiled into the service and registered by name; a pack names
 * the ones it uses, with their parameters, and `compilePack` binds them. The engine names no product.
 */
import type { FieldText, MacroSubject } from './entities';
import type { Span, SymptomHit } from './types';

/** One parameter a plugin takes from the pack: how to recognise a good value, and what to say otherwise. */
export interface ParamDef<T> {
  /** What a good value is, for validation messages: "an integer from 1 to 99". */
  readonly expects: string;
  accepts(value: unknown): value is T;
  /** Used when the pack leaves the parameter out; without it the parameter is required. */
  readonly default?: T;
}

/** The parameters of a plugin, one definition per field of its typed params. */
export type ParamDefs<P> = { readonly [K in keyof P]-?: ParamDef<P[K]> };

export function integerParam(min: number, max: number): ParamDef<number> {
  return {
    expects: `an integer from ${min} to ${max}`,
    accepts: (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
  };
}

/** A symptom found from entities rather than words (`derived: <name>` in symptoms.yaml). */
export interface DerivedRuleDef<E, P> {
  readonly description: string;
  /** The span that shows the symptom, or undefined when the entities do not. */
  evaluate(entities: E, params: P): Span | undefined;
}

export interface ScopeHelpers {
  /**
   * Whether the words between a negation cue (ending at `from`) and a symptom (starting at `to`) show that
   * the cue negates something else ("no backup on the boat" negates the backup, not the boat).
   */
  negatesSomethingElse?(text: string, from: number, to: number): boolean;
}

export interface MacroVariantsDef<E, V extends object> {
  /** The `when:` keys a macro variant may name. */
  readonly keys: readonly string[];
  /** What macro rendering reads of the ticket: the display name and the variant key. */
  subject(entities: E): MacroSubject | undefined;
  /**
   * The same from the plugin's part of a stored result's `entities` (an agent picks another macro later).
   * Stored JSON may come from an older release: check what it holds.
   */
  subjectOfView?(view: Partial<V>): MacroSubject | undefined;
}

/** What a plugin adds to a result's `entities`: JSON under keys of its own. */
export interface EntityViewDef<E, V extends object> {
  readonly keys: readonly (keyof V & string)[];
  /** `symptoms` are the result's symptom hits (a quoted message may list those found in it). */
  render(entities: E, symptoms: readonly SymptomHit[]): V;
}

/**
 * A product plugin. `P` is its parameters (validated when a pack is compiled), `E` the entities it
 * extracts, `V` what it adds to a result's `entities`.
 */
export interface ProductPlugin<P = unknown, E = unknown, V extends object = object> {
  /** The name a pack uses for it (`plugins: [{name: ...}]` in pack.yaml). */
  readonly name: string;
  readonly params?: ParamDefs<P>;
  extract?(fields: readonly FieldText[]): E;
  readonly derivedRules?: Readonly<Record<string, DerivedRuleDef<E, P>>>;
  readonly scope?: ScopeHelpers;
  readonly macroVariants?: MacroVariantsDef<E, V>;
  readonly view?: EntityViewDef<E, V>;
}

/** Any plugin, for registries and packs: plugins differ in params and entities, each typed where it is defined. */
export type AnyProductPlugin = ProductPlugin<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- see above

/** A pack's use of a plugin, as pack.yaml writes it. */
export interface PluginUse {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** A problem with a pack's plugins: `field` says where in pack.yaml ("plugins[0].params.latestIosMajor"). */
export class PluginConfigError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'PluginConfigError';
  }
}

/** A plugin as the holder of its entities' type. */
export type EntitySource<E> = Pick<ProductPlugin<unknown, E>, 'name' | 'extract'>;

/**
 * The entities of one ticket, per plugin. Read them with `of(plugin)`: each plugin's entities come back
 * with its own type.
 */
export class TicketEntities {
  private readonly byPlugin = new Map<EntitySource<unknown>, unknown>();

  set<E>(plugin: EntitySource<E>, entities: E): void {
    this.byPlugin.set(plugin, entities);
  }

  of<E>(plugin: EntitySource<E>): E | undefined {
    // Only `set` fills the map, with the entities of the same plugin object.
    return this.byPlugin.get(plugin) as E | undefined;
  }

  /** Plain JSON per plugin name (tests and debugging). */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries([...this.byPlugin].map(([plugin, entities]) => [plugin.name, entities]));
  }
}

/** A result's `entities`: the views of the pack's plugins, merged in the pack's plugin order. */
export type EntitiesView = { readonly [key: string]: unknown };

/** The part of a result's (or a stored result's) `entities` that `plugin` wrote, typed as it wrote it. */
export function entitiesOf<V extends object>(plugin: Pick<ProductPlugin<unknown, unknown, V>, 'view'>, view: EntitiesView): Partial<V> {
  const part: Partial<Record<keyof V, unknown>> = {};
  for (const key of plugin.view?.keys ?? []) if (view[key] !== undefined) part[key] = view[key];
  // Compiling a pack refuses two plugins with a view key in common, so these keys hold what `plugin` rendered.
  return part as Partial<V>;
}

/** A plugin bound to a pack's parameters: what the engine calls per ticket. */
export interface BoundPlugin {
  readonly plugin: AnyProductPlugin;
  readonly params: unknown;
  extractInto(fields: readonly FieldText[], entities: TicketEntities): void;
  /** The derived rule `name` over a ticket's entities, or undefined when the plugin has none by that name. */
  derivedRule(name: string): ((entities: TicketEntities) => Span | undefined) | undefined;
  subject(entities: TicketEntities): MacroSubject | undefined;
  subjectOfView(view: EntitiesView): MacroSubject | undefined;
  renderView(entities: TicketEntities, symptoms: readonly SymptomHit[], into: Record<string, unknown>): void;
}

function parseParams<P>(plugin: ProductPlugin<P, unknown, object>, raw: Readonly<Record<string, unknown>>, where: string): P {
  const defs: Readonly<Record<string, ParamDef<unknown>>> = plugin.params ?? {};
  for (const key of Object.keys(raw)) {
    if (!(key in defs)) {
      const known = Object.keys(defs);
      throw new PluginConfigError(
        `${where}.params.${key}`,
        `unknown parameter of plugin "${plugin.name}" (${known.length ? `known: ${known.join(', ')}` : 'it takes none'})`,
      );
    }
  }
  const params: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(defs)) {
    const value = raw[key] === undefined ? def.default : raw[key];
    if (value === undefined)
      throw new PluginConfigError(`${where}.params.${key}`, `is required by plugin "${plugin.name}" (${def.expects})`);
    if (!def.accepts(value)) throw new PluginConfigError(`${where}.params.${key}`, `must be ${def.expects} (got ${JSON.stringify(value)})`);
    params[key] = value;
  }
  // Every key of ParamDefs<P> was checked by its own definition above.
  return params as P;
}

function bind<P, E, V extends object>(plugin: ProductPlugin<P, E, V>, params: P): BoundPlugin {
  return {
    plugin,
    params,
    extractInto(fields, entities) {
      if (plugin.extract) entities.set(plugin, plugin.extract(fields));
    },
    derivedRule(name) {
      const rule = plugin.derivedRules && Object.hasOwn(plugin.derivedRules, name) ? plugin.derivedRules[name] : undefined;
      if (!rule) return undefined;
      return (entities) => {
        const own = entities.of(plugin);
        return own === undefined ? undefined : rule.evaluate(own, params);
      };
    },
    subject(entities) {
      const own = entities.of(plugin);
      return own === undefined ? undefined : plugin.macroVariants?.subject(own);
    },
    subjectOfView(view) {
      return plugin.macroVariants?.subjectOfView?.(entitiesOf(plugin, view));
    },
    renderView(entities, symptoms, into) {
      const own = entities.of(plugin);
      if (own === undefined || !plugin.view) return;
      Object.assign(into, plugin.view.render(own, symptoms));
    },
  };
}

/** A pack's plugins, bound to their parameters, with what the pack's rules and macros may name. */
export interface PackPlugins {
  readonly bound: readonly BoundPlugin[];
  /** Derived rule names the plugins provide. */
  readonly derivedRules: ReadonlyMap<string, BoundPlugin>;
  /** Valid `when:` keys of macro variants (none when no plugin picks variants). */
  readonly variantKeys: readonly string[];
  /** The plugin that picks macro variants, if any. */
  readonly variants?: BoundPlugin;
  /** The plugins' scope helpers, combined; undefined when none has one. */
  readonly negatesSomethingElse?: (text: string, from: number, to: number) => boolean;
}

/**
 * Finds a pack's plugins in `registry` by name and checks their parameters. Throws PluginConfigError for an
 * unknown or repeated plugin, a bad parameter, two plugins providing the same derived rule or view key, or
 * two picking macro variants.
 */
export function bindPlugins(uses: readonly PluginUse[], registry: readonly AnyProductPlugin[]): PackPlugins {
  const bound: BoundPlugin[] = [];
  const derivedRules = new Map<string, BoundPlugin>();
  const viewKeys = new Map<string, string>();
  let variants: BoundPlugin | undefined;
  uses.forEach((use, i) => {
    const where = `plugins[${i}]`;
    const plugin = registry.find((p) => p.name === use.name);
    if (!plugin)
      throw new PluginConfigError(
        `${where}.name`,
        `unknown plugin "${use.name}" (known: ${registry.map((p) => p.name).join(', ') || 'none'})`,
      );
    if (bound.some((b) => b.plugin.name === use.name)) throw new PluginConfigError(`${where}.name`, `plugin "${use.name}" is named twice`);
    const one = bind(plugin, parseParams(plugin, use.params, where));
    for (const rule of Object.keys(plugin.derivedRules ?? {})) {
      const other = derivedRules.get(rule);
      if (other)
        throw new PluginConfigError(
          `${where}.name`,
          `plugins "${other.plugin.name}" and "${use.name}" both provide derived rule "${rule}"`,
        );
      derivedRules.set(rule, one);
    }
    for (const key of plugin.view?.keys ?? []) {
      const other = viewKeys.get(key);
      if (other) throw new PluginConfigError(`${where}.name`, `plugins "${other}" and "${use.name}" both write entities.${key}`);
      viewKeys.set(key, use.name);
    }
    if (plugin.macroVariants) {
      if (variants)
        throw new PluginConfigError(`${where}.name`, `plugins "${variants.plugin.name}" and "${use.name}" both pick macro variants`);
      variants = one;
    }
    bound.push(one);
  });
  const helpers = bound.flatMap((b) => {
    const scope: ScopeHelpers | undefined = b.plugin.scope;
    return scope?.negatesSomethingElse ? [scope.negatesSomethingElse.bind(scope)] : [];
  });
  const negatesSomethingElse =
    helpers.length === 0
      ? undefined
      : helpers.length === 1
        ? helpers[0]
        : (text: string, from: number, to: number) => helpers.some((h) => h(text, from, to));
  return {
    bound,
    derivedRules,
    variantKeys: variants?.plugin.macroVariants?.keys ?? [],
    ...(variants ? { variants } : {}),
    ...(negatesSomethingElse ? { negatesSomethingElse } : {}),
  };
}
