export { binaryFocalLoss } from './binary-focal-loss.js';
export { focalLoss, focalLoss as focusedLoss, type Predictions, type Targets } from './focal-loss.js';
export { backendInfo, init, wasmBuild, type BackendInfo } from './runtime.js';
export type { BackendChoice, BinaryFocalLossOptions, CommonOptions, FocalLossOptions, Reduction } from './options.js';
export { createWorkspace, type Workspace, type WorkspaceOptions } from './workspace.js';
