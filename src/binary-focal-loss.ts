import type { BinaryValues } from './inputs.js';
import { binaryFocal } from './losses/binary-focal.js';
import type { BinaryFocalLossGradOptions, BinaryFocalLossOptions } from './options/binary-focal-loss-options.js';
import type { PerSample } from './options/common.js';
import { readSettings } from './pipeline/loss-spec.js';
import { lossAndGradOf, lossOf } from './pipeline/compute.js';
import type { LossAndGradient } from './pipeline/evaluate.js';

export type { BinaryValues } from './inputs.js';

/**
 * Sigmoid (binary, multi-label) focal loss, as torchvision's `sigmoid_focal_loss` and Keras'
 * `BinaryFocalCrossentropy`: per element α_t · (1 − p_t)^γ · BCE(y, p), with
 * p_t = p·y + (1 − p)(1 − y) and α_t = α·y + (1 − α)(1 − y).
 *
 * @param yTrue - targets in [0, 1] (0/1 or soft): N values, or N rows of K, or a map of
 *   yPred's shape (its labels on `axis`).
 * @param yPred - probabilities (or logits with `fromLogits`), the same shape as `yTrue`.
 * @returns the mean over all N·K elements (or the sum, or the weighted mean); with
 *   `reduction: 'none'`, a Float64Array of the N·K element losses, row-major.
 * @throws TypeError for a wrong type; RangeError for a shape mismatch or a value out of range.
 */
export function binaryFocalLoss(
  yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<BinaryFocalLossOptions>,
): Float64Array;
export function binaryFocalLoss(yTrue: BinaryValues, yPred: BinaryValues, options?: BinaryFocalLossOptions): number;
export function binaryFocalLoss(yTrue: unknown, yPred: unknown, options?: unknown): number | Float64Array {
  const fn = 'binaryFocalLoss';
  return lossOf(binaryFocal, readSettings(binaryFocal, fn, 'call', options), yTrue, yPred);
}

/**
 * binaryFocalLoss and its gradient with respect to yPred (probabilities, or logits with
 * `fromLogits`), in one pass: `grad` has yPred's N·K values, row-major.
 */
export function binaryFocalLossGrad(
  yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<BinaryFocalLossGradOptions> & { gradOut: Float32Array },
): LossAndGradient<Float64Array, Float32Array>;
export function binaryFocalLossGrad(
  yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<BinaryFocalLossGradOptions> & { gradOut?: Float64Array },
): LossAndGradient<Float64Array, Float64Array>;
export function binaryFocalLossGrad(
  yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<BinaryFocalLossGradOptions>,
): LossAndGradient<Float64Array>;
export function binaryFocalLossGrad(
  yTrue: BinaryValues, yPred: BinaryValues, options: BinaryFocalLossGradOptions & { gradOut: Float32Array },
): LossAndGradient<number, Float32Array>;
export function binaryFocalLossGrad(
  yTrue: BinaryValues, yPred: BinaryValues, options?: BinaryFocalLossGradOptions & { gradOut?: Float64Array },
): LossAndGradient<number, Float64Array>;
export function binaryFocalLossGrad(
  yTrue: BinaryValues, yPred: BinaryValues, options?: BinaryFocalLossGradOptions,
): LossAndGradient;
export function binaryFocalLossGrad(yTrue: unknown, yPred: unknown, options?: unknown): LossAndGradient<number | Float64Array> {
  const fn = 'binaryFocalLossGrad';
  return lossAndGradOf(binaryFocal, readSettings(binaryFocal, fn, 'grad', options), yTrue, yPred);
}
