import type { LossOptions } from './common.js';

/**
 * Options of {@link asymmetricLoss}. `reduction` here is one that gives one number; for
 * `reduction: 'none'` (one loss per element, a Float64Array) type the options as
 * `PerSample<AsymmetricLossOptions>`.
 */
export interface AsymmetricLossOptions extends LossOptions {
  /** γ₊ ≥ 0, the focusing of positive targets: (1 − p)^γ₊. Default 0, the reference's. */
  gammaPos?: number;
  /** γ₋ ≥ 0, the focusing of negative targets: p_m^γ₋. Default 4, the reference's. */
  gammaNeg?: number;
  /**
   * The probability margin m in [0, 1): negatives are scored on p_m = max(p − m, 0), so those
   * with p ≤ m count 0 and have a gradient of 0. Default 0.05, the reference's; 0 turns it off.
   */
  clip?: number;
  /** K, the labels per sample: pins the shape of flat input (N·K values). Default: inferred. */
  classes?: number;
}

/** Options of {@link asymmetricLossGrad}: those of asymmetricLoss, and where to write the gradient. */
export interface AsymmetricLossGradOptions extends AsymmetricLossOptions {
  /** As many values as yPred to write the gradient into (and return); not sharing memory with an input, as for focalLossGrad. */
  gradOut?: Float64Array | Float32Array;
}
