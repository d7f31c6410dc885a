import { show } from '../errors.js';
import {
  COMMON_KEYS, readClasses, readCommon, readGradOut, type CommonOptions, type CommonSettings,
} from './common.js';
import { finiteNonNegative, isOptionsObject, numberIn, numbers, ownOptions } from './read.js';

/** Options of {@link focalLoss}. */
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
  /** N·C values to write the gradient into (and return), so a training loop allocates nothing. */
  gradOut?: Float64Array | Float32Array;
}

export interface FocalLossSettings extends CommonSettings {
  alpha: number | Float64Array | undefined;
  ignoreIndex: number | undefined;
  classes: number | undefined;
  /** Row sum tolerance of checkRows, or 0 when rows are not checked. */
  rowTolerance: number;
  gradOut: Float64Array | Float32Array | undefined;
}

const KEYS = [...COMMON_KEYS, 'ignoreIndex', 'classes', 'checkRows'];
const GRAD_KEYS = [...KEYS, 'gradOut'];

/** The options of focalLoss and its relatives (`grad`: focalLossGrad's gradOut too). */
export function readFocalLossOptions(fn: string, value: unknown, grad = false, defaults?: { fromLogits: boolean }): FocalLossSettings {
  const o = ownOptions(fn, value, grad ? GRAD_KEYS : KEYS);
  if (defaults !== undefined && o.fromLogits === undefined) o.fromLogits = defaults.fromLogits;
  return settings(fn, o);
}

/**
 * focalLoss's third and fourth arguments: an options object, or the positional
 * (gamma, alpha) form.
 */
export function readFocalLossArguments(fn: string, third: unknown, fourth: unknown): FocalLossSettings {
  if (isOptionsObject(third)) {
    if (fourth !== undefined) {
      throw new TypeError(`${fn}: pass alpha inside the options object, not as a fourth argument, got ${show(fourth)}`);
    }
    return readFocalLossOptions(fn, third);
  }
  if (third !== undefined && typeof third !== 'number') {
    throw new TypeError(`${fn}: the third argument must be gamma (a number) or an options object, got ${show(third)}`);
  }
  if (isOptionsObject(fourth)) {
    throw new TypeError(
      `${fn}: the fourth argument is alpha, a number or one weight per class, got ${show(fourth)}; to pass options, ` +
        `use ${fn}(yTrue, yPred, { gamma, alpha, ... })`,
    );
  }
  const o: Record<string, unknown> = Object.create(null);
  if (third !== undefined) o.gamma = third;
  if (fourth !== undefined) o.alpha = fourth;
  return settings(fn, o);
}

function settings(fn: string, o: Record<string, unknown>): FocalLossSettings {
  let alpha: number | Float64Array | undefined;
  if (typeof o.alpha === 'number') alpha = numberIn(fn, 'alpha', o.alpha, finiteNonNegative, 'finite and >= 0');
  else if (o.alpha !== undefined) alpha = numbers(fn, 'alpha', o.alpha, finiteNonNegative, 'finite and >= 0');
  const ignoreIndex =
    o.ignoreIndex === undefined ? undefined : numberIn(fn, 'ignoreIndex', o.ignoreIndex, Number.isSafeInteger, 'an integer');
  let rowTolerance = 0;
  if (o.checkRows === true) rowTolerance = 1e-3;
  else if (typeof o.checkRows === 'number') {
    rowTolerance = numberIn(fn, 'checkRows', o.checkRows, (v) => v > 0 && v < 1, 'true, false or a tolerance in (0, 1)');
  } else if (o.checkRows !== undefined && o.checkRows !== false) {
    throw new TypeError(`${fn}: checkRows must be a boolean or a tolerance, got ${show(o.checkRows)}`);
  }
  return {
    ...readCommon(fn, o),
    alpha,
    ignoreIndex,
    classes: readClasses(fn, o.classes),
    rowTolerance,
    gradOut: readGradOut(fn, o.gradOut),
  };
}
