export { asymmetricLoss, asymmetricLossGrad } from './asymmetric-loss.js';
export type { AsymmetricLossGradOptions, AsymmetricLossOptions } from './options/asymmetric-loss-options.js';
export { binaryFocalLoss, binaryFocalLossGrad, type BinaryValues } from './binary-focal-loss.js';
export { focalLoss, focalLoss as focusedLoss, focalLossGrad, type Predictions, type Targets } from './focal-loss.js';
export type { LossAndGradient } from './pipeline/evaluate.js';
export type { Int64Labels, NestedArray, OrtTensorLike, ShapedArray, TensorLike, TfTensorLike } from './inputs.js';
export { classBalancedAlpha, inverseFrequencyAlpha, type ClassBalancedOptions, type ClassCounts } from './class-weights.js';
export { backendInfo, init, wasmBuild, type BackendChoice, type BackendInfo } from './backend/loader.js';
export type { BinaryFocalLossGradOptions, BinaryFocalLossOptions } from './options/binary-focal-loss-options.js';
export type { CommonOptions, LossOptions, PerSample, Reduction } from './options/common.js';
export type { FocalLossGradOptions, FocalLossOptions } from './options/focal-loss-options.js';
export { createWorkspace, type Dtype, type Workspace, type WorkspaceLossOptions, type WorkspaceOptions } from './workspace.js';
export {
  createAsymmetricLossAccumulator, createBinaryFocalLossAccumulator, createFocalLossAccumulator, type AccumulatorState,
  type AccumulatorSummary, type AsymmetricLossAccumulatorOptions, type BinaryFocalLossAccumulatorOptions, type ClassSummary, type FocalLossAccumulator, type FocalLossAccumulatorOptions,
} from './accumulator/accumulator.js';
export { createFocalLossPool, type FocalLossPool, type FocalLossPoolInfo, type FocalLossPoolOptions } from './pool/pool.js';
export { readNpy, readNpyHeader, type NpyArray, type NpyDataTypes, type NpyDtype, type NpyHeader } from './io/npy.js';
