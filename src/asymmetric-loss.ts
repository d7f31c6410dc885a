import type { BinaryValues } from './binary-focal-loss.js';
import { asymmetric } from './losses/asymmetric.js';
import type { AsymmetricLossGradOptions, AsymmetricLossOptions } from './options/asymmetric-loss-options.js';
import type { PerSample } from './options/common.js';
import { readSettings } from './pipeline/loss-spec.js';
import { lossAndGradOf, lossOf } from './pipeline/compute.js';
import type { LossAndGradient } from './pipeline/evaluate.js';

/**
 * Asymmetric loss (Ridnik et al., ICCV 2021) for multi-label classification, per element
 * −[y·(1 − p)^γ₊·ln p + (1 − y)·p_m^γ₋·ln(1 − p_m)] with p_m = max(p − m, 0): positives and
 * negatives focused separately, and negatives with p ≤ m (`clip`) discarded (loss and
 * gradient exactly 0). With logits, p = σ(x) and both logs are computed stably, without the
 * reference's clamp at 1e-8. `reduction: 'sum'` is the value the reference implementation
 * returns; `'mean'` (default) divides it by the N·K elements, as binaryFocalLoss does.
 *
 * @param yTrue - targets in [0, 1] (0/1 or soft): N values, or N rows of K.
 * @param yPred - probabilities (or logits with `fromLogits`), the same shape as `yTrue`.
 * @param options - see {@link AsymmetricLossOptions}: `gammaPos` (default 0), `gammaNeg`
 *   (default 4), `clip` (default 0.05), and the options every loss takes.
 * @returns the mean over all N·K elements (or the sum, or the weighted mean); with
 *   `reduction: 'none'`, a Float64Array of the N·K element losses, row-major.
 * @throws TypeError for a wrong type; RangeError for a shape mismatch or a value out of range.
 */
export function asymmetricLoss(
  yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<AsymmetricLossOptions>,
): Float64Array;
export function asymmetricLoss(yTrue: BinaryValues, yPred: BinaryValues, options?: AsymmetricLossOptions): number;
export function asymmetricLoss(yTrue: unknown, yPred: unknown, options?: unknown): number | Float64Array {
  const fn = 'asymmetricLoss';
  return lossOf(asymmetric, readSettings(asymmetric, fn, 'call', options), yTrue, yPred);
}

/**
 * asymmetricLoss and its gradient with respect to yPred (probabilities, or logits with
 * `fromLogits`), in one pass: `grad` has yPred's N·K values, row-major (0 for negatives with
 * p ≤ m, and where the probability clip `epsilon` is active).
 */
export function asymmetricLossGrad(
  yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<AsymmetricLossGradOptions> & { gradOut: Float32Array },
): LossAndGradient<Float64Array, Float32Array>;
export function asymmetricLossGrad(
  yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<AsymmetricLossGradOptions> & { gradOut?: Float64Array },
): LossAndGradient<Float64Array, Float64Array>;
export function asymmetricLossGrad(
  yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<AsymmetricLossGradOptions>,
): LossAndGradient<Float64Array>;
export function asymmetricLossGrad(
  yTrue: BinaryValues, yPred: BinaryValues, options: AsymmetricLossGradOptions & { gradOut: Float32Array },
): LossAndGradient<number, Float32Array>;
export function asymmetricLossGrad(
  yTrue: BinaryValues, yPred: BinaryValues, options?: AsymmetricLossGradOptions & { gradOut?: Float64Array },
): LossAndGradient<number, Float64Array>;
export function asymmetricLossGrad(
  yTrue: BinaryValues, yPred: BinaryValues, options?: AsymmetricLossGradOptions,
): LossAndGradient;
export function asymmetricLossGrad(yTrue: unknown, yPred: unknown, options?: unknown): LossAndGradient<number | Float64Array> {
  const fn = 'asymmetricLossGrad';
  return lossAndGradOf(asymmetric, readSettings(asymmetric, fn, 'grad', options), yTrue, yPred);
}
