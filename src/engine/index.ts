// What the service, the products and the tools use of the engine; specs import the files directly.
export * from './types';
export { TriageEngine } from './triage-engine';
export {
  compilePack,
  PACK_REGEX_FLAGS,
  type CompiledPack,
  type PackDefinition,
  type CauseDef,
  type SymptomDef,
  type MacroDef,
  type MacroVariantDef,
  type RegexDef,
  type NearRuleDef,
  type ScopeDef,
} from './pack';
export {
  bindPlugins,
  entitiesOf,
  integerParam,
  PluginConfigError,
  type AnyProductPlugin,
  type PluginUse,
  type ProductPlugin,
} from './plugin';
export { MAX_ENTITIES_PER_KIND, spanOf, type MacroSubject, type FieldText } from './entities';
export { extractDurations, extractQuotedMessages, type DurationEntity, type QuotedMessage } from './text-entities';
export { matchesOf } from './regex-matches';
export { renderMacro, KNOWN_PLACEHOLDERS } from './macro-render';
export { betaInterval95, betaMean } from './beta';
export { DEFAULT_GATE } from './decision';
export { CauseModel, hashedScale, type CauseModelWeights } from './cause-model';
