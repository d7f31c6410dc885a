import { entry, fail } from './errors/detail.js';
import { describe, show } from './errors/show.js';
import { sumError } from './kernels/math/sum.js';
import { arrayLength, numberIn, ownOptions } from './options/read.js';

// Class weights (alpha) from how many training samples each class has. Both give every class
// a weight that shrinks as its count grows; the counts are read once, checked, and kept in
// float64 (a count above 2^53 is refused rather than rounded).

/**
 * Per-class sample counts: an array-like (`number[]`, any typed array, or an array of BigInts)
 * of non-negative safe integers; `BigInt64Array` and `BigUint64Array` are accepted as well.
 */
export type ClassCounts = ArrayLike<number | bigint> | BigInt64Array | BigUint64Array;

/** Options of {@link classBalancedAlpha}. */
export interface ClassBalancedOptions {
  /** β in [0, 1): how much each further sample of a class adds to its effective number. Default 0.9999. */
  beta?: number;
}

/**
 * Inverse-frequency class weights, w_c = N / (C · n_c) with N = Σ n_c: scikit-learn's
 * `class_weight='balanced'`. Equal counts give all ones; multiplying every count by the
 * same factor leaves the weights unchanged.
 *
 * @param counts - the number of samples of each of the C classes (see {@link ClassCounts}).
 * @returns a Float64Array of C weights, ready for `alpha`.
 * @throws TypeError when counts is not an array-like of numbers or BigInts; RangeError when a
 *   count is not a non-negative safe integer, when a count is 0 (a class never seen has no
 *   weight: drop it or count at least one sample), or when there are no classes.
 */
export function inverseFrequencyAlpha(counts: ClassCounts): Float64Array {
  const n = readCounts('inverseFrequencyAlpha', counts);
  const classes = n.length;
  let total = 0;
  let carry = 0;
  for (let c = 0; c < classes; c++) {
    const t = total + n[c];
    carry += sumError(total, n[c], t);
    total = t;
  }
  total += carry;
  return n.map((count) => total / (classes * count));
}

/**
 * Class-balanced weights from the effective number of samples (Cui et al., CVPR 2019):
 * w_c ∝ (1 − β) / (1 − β^n_c), scaled so that Σ_c w_c = C. β = 0 gives all ones; as β → 1
 * the weights approach inverse frequency (scaled to sum to C).
 *
 * @param counts - the number of samples of each of the C classes (see {@link ClassCounts}).
 * @param options - `beta`, in [0, 1) (default 0.9999).
 * @returns a Float64Array of C weights, ready for `alpha`.
 * @throws TypeError for a wrong type; RangeError for a count that is not a positive safe
 *   integer (a zero count names its class), for no classes, or for β outside [0, 1).
 */
export function classBalancedAlpha(counts: ClassCounts, options?: ClassBalancedOptions): Float64Array {
  const fn = 'classBalancedAlpha';
  const o = ownOptions(fn, options, ['beta']);
  const beta = o.beta === undefined ? 0.9999 : numberIn(fn, 'beta', o.beta, (v) => v >= 0 && v < 1, 'in [0, 1)');
  const n = readCounts(fn, counts);
  // 1 - beta^n = -expm1(n ln beta), with ln beta = log1p(beta - 1) (beta - 1 is exact for
  // beta >= 1/2), so that beta near 1 keeps its digits. The common factor 1 - beta cancels
  // in the scaling and is left out.
  const logBeta = beta >= 0.5 ? Math.log1p(beta - 1) : Math.log(beta);
  const inverse = n.map((count) => -1 / Math.expm1(count * logBeta));
  let sum = 0;
  let carry = 0;
  for (const v of inverse) {
    const t = sum + v;
    carry += sumError(sum, v, t);
    sum = t;
  }
  sum += carry;
  return inverse.map((v) => (n.length * v) / sum);
}

/** The counts as float64, each checked; a count above 2^53 - 1 would not be exact. */
function readCounts(fn: string, counts: unknown): Float64Array {
  const length = arrayLength(fn, 'counts', counts);
  if (length === undefined) throw fail(TypeError, fn)`counts must be an array of per-class sample counts, got ${describe(counts)}`;
  if (length === 0) throw fail(RangeError, fn)`counts is empty: give one count per class`;
  const out = new Float64Array(length);
  const array = counts as ArrayLike<unknown>;
  for (let c = 0; c < length; c++) {
    const v = array[c];
    const value = typeof v === 'bigint' ? Number(v) : v;
    const at = entry('counts', { index: c });
    if (typeof value !== 'number') throw fail(TypeError, fn)`${at} = ${show(v)} is not a number (class ${c}'s sample count)`;
    // A BigInt above 2^53 - 1 converts to an unsafe number, and is refused with the rest.
    if (!(Number.isSafeInteger(value) && value >= 0)) {
      throw fail(RangeError, fn)`${at} = ${show(v)} is not a sample count: expected an integer in [0, 2^53 - 1]`;
    }
    if (value === 0) {
      throw fail(RangeError, fn)`${at} = 0: class ${c} has no samples, so no weight exists for it; drop the class or count at least one sample of it`;
    }
    out[c] = value;
  }
  return out;
}
