import type { CommonOptions } from './common.js';

/**
 * Options of {@link focalLoss}. `reduction` here is one that gives one number; for
 * `reduction: 'none'` (one loss per sample, a Float64Array) type the options as
 * `PerSample<FocalLossOptions>`.
 */
export interface FocalLossOptions extends CommonOptions {
  /** Class weight α: one number for every class, or one weight per class. Default: none. */
  alpha?: number | ArrayLike<number>;
  /** Samples with this class index contribute 0 and are not counted. Class-index targets only. */
  ignoreIndex?: number;
  /**
   * C, the number of classes: pins the shape of a flat `yPred` (N·C values), so a length that
   * does not match is an error instead of another C. Default: inferred from the shapes.
   */
  classes?: number;
  /**
   * Debugging aid: also check that each row is what the loss expects (probabilities summing
   * to 1 within 1e-3, or a number as the tolerance; with `fromLogits`, rows that are not
   * already probabilities). Reads every entry, so it costs more than the loss. Default false.
   */
  checkRows?: boolean | number;
}

/** Options of {@link focalLossGrad}: those of focalLoss, and where to write the gradient. */
export interface FocalLossGradOptions extends FocalLossOptions {
  /**
   * N·C values to write the gradient into (and return), so a training loop allocates nothing.
   * It must not share memory with an input (a RangeError names both): the gradient is written
   * while the inputs are still being read. Rows are checked when the first lies in its buffer.
   */
  gradOut?: Float64Array | Float32Array;
}
