export { loadDefaultPack, loadPackFromDir, readPackFiles, defaultPackDir, findProjectRoot, DEFAULT_PACK_NAME } from './pack-loader';
export { PackValidationError, validatePack, PACK_FILE_NAMES, type PackFiles } from './pack-validation';
export { describePack, findMacro, type PackDescription } from './describe-pack';
export { findBacktrackingRisks } from './redos-check';
export type { CompiledPack } from '../engine';
export { validateModelWeights, MODEL_FILE_NAME, MAX_MODEL_BYTES } from './model-validation';
export { readModelWeights } from './pack-loader';
