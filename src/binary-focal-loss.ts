import { checkSampleWeight } from './focal-loss.js';
import { arrayLike } from './layout.js';
import { epsilonFor, isArrayLike, resolveOptions, show, type BinaryFocalLossOptions } from './options.js';
import { Reducer } from './reduction.js';
import { selectBackend } from './runtime.js';
import { CHUNK, scratchFor } from './scratch.js';
import { notANumber, probabilityError, targetError } from './validate.js';

type Values = ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** N samples of K elements each: flat (K = 1) or N × K rows (multi-label). */
interface BinaryLayout {
  n: number;
  k: number;
  trueRows: ArrayLike<ArrayLike<number>> | null;
  predRows: ArrayLike<ArrayLike<number>> | null;
  dtype: 'f64' | 'f32';
}

const FN = 'binaryFocalLoss';

function describeBinary(yTrue: unknown, yPred: unknown): BinaryLayout {
  const t = arrayLike('yTrue', yTrue, FN);
  const p = arrayLike('yPred', yPred, FN);
  const n = t.length;
  if (n === 0) throw new RangeError(`${FN}: empty batch: yTrue has no elements`);
  const rows = !ArrayBuffer.isView(p) && isArrayLike(p[0]);
  if (rows !== (!ArrayBuffer.isView(t) && isArrayLike(t[0]))) {
    throw new RangeError(`${FN}: yTrue and yPred must have the same shape: both flat, or both N × K rows`);
  }
  if (p.length !== n) throw new RangeError(`${FN}: yPred has ${p.length} ${rows ? 'rows' : 'elements'} but yTrue has ${n}`);
  if (!rows) {
    return { n, k: 1, trueRows: null, predRows: null, dtype: p instanceof Float32Array ? 'f32' : 'f64' };
  }
  const first = p[0] as ArrayLike<number>;
  if (first.length === 0) throw new RangeError(`${FN}: yPred[0] is an empty row`);
  return {
    n,
    k: first.length,
    trueRows: t as ArrayLike<ArrayLike<number>>,
    predRows: p as ArrayLike<ArrayLike<number>>,
    dtype: first instanceof Float32Array ? 'f32' : 'f64',
  };
}

/**
 * Sigmoid (binary, multi-label) focal loss, as torchvision's `sigmoid_focal_loss` and Keras'
 * `BinaryFocalCrossentropy`: per element α_t · (1 − p_t)^γ · BCE(y, p), with
 * p_t = p·y + (1 − p)(1 − y) and α_t = α·y + (1 − α)(1 − y).
 *
 * @param yTrue - targets in [0, 1] (0/1 or soft): a flat array of N values, or N rows of K.
 * @param yPred - probabilities (or logits with `fromLogits`), the same shape as `yTrue`.
 * @returns the mean over all N·K elements (or the sum, or a Float64Array of N·K element
 *   losses, row-major, for reduction 'none').
 * @throws TypeError for a wrong type; RangeError for a shape mismatch or a value out of range.
 */
export function binaryFocalLoss(yTrue: Values, yPred: Values, options: BinaryFocalLossOptions & { reduction: 'none' }): Float64Array;
export function binaryFocalLoss(yTrue: Values, yPred: Values, options?: BinaryFocalLossOptions & { reduction?: 'mean' | 'sum' | 'weightedMean' }): number;
export function binaryFocalLoss(yTrue: Values, yPred: Values, options?: BinaryFocalLossOptions): number | Float64Array;
export function binaryFocalLoss(yTrue: unknown, yPred: unknown, options?: unknown): number | Float64Array {
  const o = resolveOptions(FN, options);
  const layout = describeBinary(yTrue, yPred);
  checkSampleWeight(o, layout.n);
  const backend = selectBackend(o.backend);
  const scratch = scratchFor(backend);
  const targetRegion = scratch.ensureTargets();
  const x = backend.f64(scratch.p);
  const y = backend.f64(targetRegion);
  const out = backend.f64(scratch.out);
  const weights = backend.f64(scratch.sampleWeights);
  const total = layout.n * layout.k;
  const reducer = new Reducer(o.reduction, total, o.normalizer);
  const epsilon = epsilonFor(o.epsilon, layout.dtype);
  const alpha = o.alpha === undefined ? -1 : (o.alpha as number);

  for (let start = 0; start < total; start += CHUNK) {
    const m = Math.min(CHUNK, total - start);
    const weightSum = copyElements(yTrue as Values, yPred as Values, layout, start, m, o.fromLogits, o.labelSmoothing, x, y, o.sampleWeight, weights);
    let sum = backend.binaryLoss(x, y, m, alpha, o.gamma, epsilon, o.fromLogits, out);
    if (o.sampleWeight !== undefined) sum = backend.applyWeights(out, weights, m);
    reducer.add(sum, m, weightSum, start, out.subarray(0, m));
  }
  return reducer.result();
}

/**
 * Copies elements [start, start + m) (row-major over N × K) into x and y, validating them and
 * smoothing targets; with sample weights, writes each element's row weight into w. Returns
 * the sum of the elements' weights (m without sample weights).
 */
function copyElements(
  yTrue: Values, yPred: Values, layout: BinaryLayout, start: number, m: number, fromLogits: boolean,
  smoothing: number, x: Float64Array, y: Float64Array, sampleWeight: ArrayLike<number> | undefined, w: Float64Array,
): number {
  const { k, trueRows, predRows } = layout;
  const keep = 1 - smoothing;
  const spread = smoothing / 2;
  let weightSum = 0;
  let i = Math.floor(start / k);
  let c = start - i * k;
  let trueRow = trueRows === null ? (yTrue as ArrayLike<number>) : rowOf(trueRows, i, k, 'yTrue');
  let predRow = predRows === null ? (yPred as ArrayLike<number>) : rowOf(predRows, i, k, 'yPred');
  let weight = 1;
  if (sampleWeight !== undefined) weight = sampleWeightOf(sampleWeight, i);
  for (let j = 0; j < m; j++) {
    const at = predRows === null ? i : c;
    const v = predRow[at];
    const t = trueRow[at];
    if (typeof v !== 'number' || (fromLogits ? Number.isNaN(v) : !(v >= 0 && v <= 1))) {
      const where = entry('yPred', i, predRows === null ? -1 : c);
      throw fromLogits ? logitError(where, v) : probabilityError(where, v, FN);
    }
    if (typeof t !== 'number' || !(t >= 0 && t <= 1)) throw targetError(entry('yTrue', i, predRows === null ? -1 : c), t, FN);
    x[j] = v;
    y[j] = t * keep + spread;
    w[j] = weight;
    weightSum += weight;
    if (predRows === null) {
      i++;
      if (sampleWeight !== undefined && i < layout.n) weight = sampleWeightOf(sampleWeight, i);
    } else if (++c === k && j + 1 < m) {
      c = 0;
      i++;
      trueRow = rowOf(trueRows!, i, k, 'yTrue');
      predRow = rowOf(predRows, i, k, 'yPred');
      if (sampleWeight !== undefined) weight = sampleWeightOf(sampleWeight, i);
    }
  }
  return weightSum;
}

const entry = (arg: string, i: number, c: number) => (c < 0 ? `${arg}[${i}]` : `${arg}[${i}][${c}]`);

function rowOf(rows: ArrayLike<ArrayLike<number>>, i: number, k: number, arg: string): ArrayLike<number> {
  const row = rows[i];
  if (!isArrayLike(row)) throw new TypeError(`${FN}: ${arg}[${i}] must be a row of ${k} values, got ${show(row)}`);
  if (row.length !== k) throw new RangeError(`${FN}: ragged ${arg}: row ${i} has length ${row.length}, expected ${k}`);
  return row as ArrayLike<number>;
}

function sampleWeightOf(weights: ArrayLike<number>, i: number): number {
  const w = weights[i];
  if (typeof w !== 'number') throw notANumber(`sampleWeight[${i}]`, w, FN);
  if (!(w >= 0 && w < Infinity)) throw new RangeError(`${FN}: sampleWeight[${i}] = ${w} must be finite and >= 0`);
  return w;
}

function logitError(where: string, value: unknown): Error {
  if (typeof value !== 'number') return notANumber(where, value, FN);
  return new RangeError(`${FN}: ${where} = ${show(value)} is not a valid logit`);
}
