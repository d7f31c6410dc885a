import type { CommonOptions } from './common.js';

/**
 * Options of {@link binaryFocalLoss}. `reduction` here is one that gives one number; for
 * `reduction: 'none'` (one loss per sample, a Float64Array) type the options as
 * `PerSample<BinaryFocalLossOptions>`.
 */
export interface BinaryFocalLossOptions extends CommonOptions {
  /** α in [0, 1] weighs positives, 1 − α negatives. Default: no weighting. */
  alpha?: number;
  /** K, the labels per sample: pins the shape of flat input (N·K values). Default: inferred. */
  classes?: number;
}

/** Options of {@link binaryFocalLossGrad}: those of binaryFocalLoss, and where to write the gradient. */
export interface BinaryFocalLossGradOptions extends BinaryFocalLossOptions {
  /** As many values as yPred to write the gradient into (and return); not sharing memory with an input, as for focalLossGrad. */
  gradOut?: Float64Array | Float32Array;
}
