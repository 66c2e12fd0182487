export { loadDefaultPack, loadPackFromDir, readPackFiles, defaultPackDir, findProjectRoot, DEFAULT_PACK_NAME } from './pack-loader';
export { PackValidationError, validatePack, PACK_FILE_NAMES, type PackFiles } from './pack-validation';
export { describePack, findMacro, type PackDescription } from './describe-pack';
export { findBacktrackingRisks } from './redos-check';
export type { CompiledPack } from '../engine';
