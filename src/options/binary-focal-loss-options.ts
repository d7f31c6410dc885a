import { COMMON_KEYS, readClasses, readCommon, readGradOut, type CommonOptions, type CommonSettings } from './common.js';
import { numberIn, ownOptions } from './read.js';

/** Options of {@link binaryFocalLoss}. */
export interface BinaryFocalLossOptions extends CommonOptions {
  /** α in [0, 1] weighs positives, 1 − α negatives. Default: no weighting. */
  alpha?: number;
  /** K, the labels per sample: pins the shape of flat input (N·K values). Default: inferred. */
  classes?: number;
}

/** Options of {@link binaryFocalLossGrad}: those of binaryFocalLoss, and where to write the gradient. */
export interface BinaryFocalLossGradOptions extends BinaryFocalLossOptions {
  /** As many values as yPred to write the gradient into (and return). */
  gradOut?: Float64Array | Float32Array;
}

export interface BinaryFocalLossSettings extends CommonSettings {
  /** α, or -1 for no class balancing (what the kernels take). */
  alpha: number;
  classes: number | undefined;
  gradOut: Float64Array | Float32Array | undefined;
}

const KEYS = [...COMMON_KEYS, 'classes'];
const GRAD_KEYS = [...KEYS, 'gradOut'];

export function readBinaryFocalLossOptions(fn: string, value: unknown, grad = false): BinaryFocalLossSettings {
  const o = ownOptions(fn, value, grad ? GRAD_KEYS : KEYS);
  return {
    ...readCommon(fn, o),
    alpha: o.alpha === undefined ? -1 : numberIn(fn, 'alpha', o.alpha, (v) => v >= 0 && v <= 1, 'in [0, 1]'),
    classes: readClasses(fn, o.classes),
    gradOut: readGradOut(fn, o.gradOut),
  };
}
