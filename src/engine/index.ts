export * from './types';
export { TriageEngine } from './triage-engine';
export type { ScopedHit } from './triage-engine';
export {
  compilePack,
  PACK_REGEX_FLAGS,
  expandPhrase,
  DEVICE_CLASSES,
  DERIVED_RULES,
  type CompiledPack,
  type PackDefinition,
  type CauseDef,
  type SymptomDef,
  type MacroDef,
  type MacroVariantDef,
  type RegexDef,
  type NearRuleDef,
  type ScopeDef,
  type DeviceClass,
  type DerivedRule,
} from './pack';
export { normalizeText, foldForMatching, toOriginalRange, type NormalizedText } from './normalize';
export { extractEntities, storageSummary, type TicketEntities, type DeviceEntity } from './entities';
export { renderMacro, renderTemplate, customerFirstName, KNOWN_PLACEHOLDERS } from './macro-render';
export { betaInterval95, betaMean } from './beta';
export { DEFAULT_GATE, decide } from './decision';
export {
  CauseModel,
  forEachHashedFeature,
  hashedScale,
  DEFAULT_HASH_BITS,
  DEFAULT_CHAR_GRAMS,
  type CauseModelWeights,
  type HashedFeatureVisitor,
} from './cause-model';
export { softmax, type TicketAnalysis, type NamedFeature } from './triage-engine';
export { detectLanguage } from './language';
