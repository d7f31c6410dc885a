import type { Predictions, Targets } from './inputs.js';
import { focal, focalArguments } from './losses/focal.js';
import type { PerSample } from './options/common.js';
import type { FocalLossGradOptions, FocalLossOptions } from './options/focal-loss-options.js';
import { readSettings } from './pipeline/loss-spec.js';
import { lossAndGradOf, lossOf } from './pipeline/compute.js';
import type { LossAndGradient } from './pipeline/evaluate.js';

export type { Predictions, Targets } from './inputs.js';

/**
 * Multi-class focal loss, FL(p_t) = −α_t · (1 − p_t)^γ · ln(p_t), over a batch.
 *
 * @param yTrue - the class index of each of the N samples (any array-like of integers, int64
 *   too), or N target rows (one-hot or soft), for which FL = Σ_c −α_c · y_c · (1 − p_c)^γ · ln p_c.
 *   For a map, class indices of yPred's shape without the class axis, or targets of its shape.
 * @param yPred - N rows of C probabilities (or logits with `fromLogits`), or one flat
 *   row-major buffer of N·C values (`Float64Array`, `Float32Array` or `number[]`); or a map of
 *   any rank (a tensor, `{ data, shape }`, a nested array, or a flat buffer with `shape`), its
 *   classes on `axis` (default the last; 1 for channels-first), one sample per pixel.
 * @param options - see {@link FocalLossOptions}; or `gamma` (default 2) and then `alpha`
 *   (a number, or one weight per class) as the third and fourth arguments.
 * @returns the mean loss over counted samples (or the sum, or the weighted mean, by
 *   `reduction`); with `reduction: 'none'`, a Float64Array of the N per-sample losses.
 * @throws TypeError when an argument has the wrong type; RangeError when a shape, length or
 *   value is wrong (the message names the argument, the sample index and the value).
 */
export function focalLoss(yTrue: Targets, yPred: Predictions, options: PerSample<FocalLossOptions>): Float64Array;
export function focalLoss(yTrue: Targets, yPred: Predictions, options?: FocalLossOptions): number;
export function focalLoss(yTrue: Targets, yPred: Predictions, gamma?: number, alpha?: number | ArrayLike<number>): number;
export function focalLoss(yTrue: unknown, yPred: unknown, third?: unknown, fourth?: unknown): number | Float64Array {
  return lossOf(focal, focalArguments('focalLoss', third, fourth), yTrue, yPred);
}

/**
 * The focal loss and its gradient with respect to yPred, in one pass of the kernel: `loss`
 * is what {@link focalLoss} returns for the same arguments; `grad` has yPred's N·C values in
 * yPred's layout (row-major, or the map's), the derivative of that loss with respect to each
 * probability (0 where the clip is active and for entries the loss does not read) or, with
 * `fromLogits`, each logit.
 * Pass `gradOut` to have it written into your own array (`grad` is then that array, typed as
 * it is); without it, `grad` is a new Float64Array.
 */
export function focalLossGrad(
  yTrue: Targets, yPred: Predictions, options: PerSample<FocalLossGradOptions> & { gradOut: Float32Array },
): LossAndGradient<Float64Array, Float32Array>;
export function focalLossGrad(
  yTrue: Targets, yPred: Predictions, options: PerSample<FocalLossGradOptions> & { gradOut?: Float64Array },
): LossAndGradient<Float64Array, Float64Array>;
export function focalLossGrad(
  yTrue: Targets, yPred: Predictions, options: PerSample<FocalLossGradOptions>,
): LossAndGradient<Float64Array>;
export function focalLossGrad(
  yTrue: Targets, yPred: Predictions, options: FocalLossGradOptions & { gradOut: Float32Array },
): LossAndGradient<number, Float32Array>;
export function focalLossGrad(
  yTrue: Targets, yPred: Predictions, options?: FocalLossGradOptions & { gradOut?: Float64Array },
): LossAndGradient<number, Float64Array>;
export function focalLossGrad(yTrue: Targets, yPred: Predictions, options?: FocalLossGradOptions): LossAndGradient;
export function focalLossGrad(yTrue: unknown, yPred: unknown, options?: unknown): LossAndGradient<number | Float64Array> {
  const fn = 'focalLossGrad';
  return lossAndGradOf(focal, readSettings(focal, fn, 'grad', options), yTrue, yPred);
}
