export {
  loadDefaultPack,
  loadPackFromDir,
  loadPack,
  loadPacks,
  readPackFiles,
  defaultPackDir,
  bundledPacksDir,
  findProjectRoot,
  splitServiceFields,
  DEFAULT_PACK_NAME,
  PACK_ID_PATTERN,
  type LoadedPack,
  type LoadedPacks,
} from './pack-loader';
export {
  parseRouting,
  routeTicket,
  routingMatches,
  hasRouting,
  ROUTABLE_SOURCES,
  type PackRouting,
  type RoutedTicket,
} from './pack-routing';
export { PackValidationError, validatePack, PACK_FILE_NAMES, type PackFiles } from './pack-validation';
export { describePack, findMacro, type PackDescription } from './describe-pack';
export { findBacktrackingRisks } from './redos-check';
export type { CompiledPack } from '../engine';
export { validateModelWeights, MODEL_FILE_NAME, MAX_MODEL_BYTES } from './model-validation';
export { readModelWeights } from './pack-loader';
