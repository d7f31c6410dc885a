import { describe, type Layout } from './layout.js';
import { copyLabels, copyRows, copyTargets, firstProblem, gatherProbabilities, int32Ignore, smoothLabels } from './marshal.js';
import { epsilonFor, resolveOptions, show, type FocalLossOptions, type Resolved } from './options.js';
import { SampleReducer } from './reduction.js';
import { selectBackend } from './runtime.js';
import { CHUNK, scratchFor, type Scratch } from './scratch.js';
import { flatName, logitError } from './validate.js';

/** Class indices (N), or target rows (N rows of C values in [0, 1]: one-hot or soft). */
export type Targets = ArrayLike<number> | ArrayLike<ArrayLike<number>>;
/** N rows of C values, or one flat row-major buffer of N·C values. */
export type Predictions = ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/**
 * Multi-class focal loss, FL(p_t) = −α_t · (1 − p_t)^γ · ln(p_t), over a batch.
 *
 * @param yTrue - the class index of each of the N samples (any array-like of integers), or
 *   N target rows (one-hot or soft), for which FL = Σ_c −α_c · y_c · (1 − p_c)^γ · ln p_c.
 * @param yPred - N rows of C probabilities (or logits with `fromLogits`), or one flat
 *   row-major buffer of N·C values (`Float64Array`, `Float32Array` or `number[]`).
 * @param gamma - focusing parameter γ ≥ 0 (default 2); or pass an options object here.
 * @param alpha - class weight: one number, or one weight per class (default: none).
 * @returns the mean loss over counted samples (or the sum, the weighted mean, or a
 *   Float64Array of N per-sample losses, by `reduction`).
 * @throws TypeError when an argument has the wrong type; RangeError when a shape, length or
 *   value is wrong (the message names the argument, the sample index and the value).
 */
export function focalLoss(yTrue: Targets, yPred: Predictions, gamma?: number, alpha?: number | ArrayLike<number>): number;
export function focalLoss(yTrue: Targets, yPred: Predictions, options: FocalLossOptions & { reduction: 'none' }): Float64Array;
export function focalLoss(
  yTrue: Targets, yPred: Predictions, options?: FocalLossOptions & { reduction?: 'mean' | 'sum' | 'weightedMean' },
): number;
export function focalLoss(yTrue: Targets, yPred: Predictions, options?: FocalLossOptions): number | Float64Array;
export function focalLoss(yTrue: unknown, yPred: unknown, third?: unknown, fourth?: unknown): number | Float64Array {
  const o = resolveOptions('focalLoss', third, fourth);
  const layout = describe(yTrue, yPred);
  const { n, classes } = layout;
  const dense = layout.targets !== null || o.labelSmoothing > 0;
  if (layout.targets !== null && o.ignoreIndex !== undefined) {
    throw new RangeError('focalLoss: ignoreIndex applies to class-index targets, but yTrue holds target rows');
  }
  checkSampleWeight(o, n);
  const backend = selectBackend(o.backend);
  const scratch = scratchFor(backend);
  const weightStride = prepareWeights(o, classes, scratch);
  if (o.fromLogits || dense) scratch.ensureRows(classes * (layout.dtype === 'f32' && !dense ? 4 : 8));
  const targetRegion = dense ? scratch.ensureTargets() : null;

  // Nothing below allocates backend memory, so these views stay valid for the whole call.
  const p = backend.f64(scratch.p);
  const labels = backend.i32(scratch.labels);
  const out = backend.f64(scratch.out);
  const weights = backend.f64(scratch.weights);
  const reducer = new SampleReducer('focalLoss', o, n, backend, out, backend.f64(scratch.sampleWeights));
  const ignore = o.ignoreIndex;
  const y = yTrue as ArrayLike<number>;

  if (dense) {
    const rows = backend.f64(scratch.rows);
    const targets = backend.f64(targetRegion!);
    const step = Math.min(CHUNK, Math.floor(rows.length / classes));
    const epsilon = epsilonFor(o.epsilon, layout.dtype);
    for (let start = 0; start < n; start += step) {
      const m = Math.min(step, n - start);
      let counted = m;
      if (layout.targets !== null) copyTargets(layout.targets, classes, start, m, o.labelSmoothing, targets);
      else counted = smoothLabels(y, classes, start, m, o.labelSmoothing, ignore, targets, labels);
      copyRows(layout, start, m, rows, !o.fromLogits);
      const sum = o.fromLogits
        ? backend.denseLogitLoss(rows, targets, m, classes, weights, weightStride, o.gamma, out)
        : backend.denseProbabilityLoss(rows, targets, m, classes, weights, weightStride, o.gamma, epsilon, out);
      if (Number.isNaN(sum)) throw invalidLogits(layout, start + backend.invalidDenseRow());
      reducer.addSamples(sum, counted, start, m, layout.targets === null ? labels : null);
    }
  } else if (o.fromLogits) {
    const rows = layout.dtype === 'f32' ? backend.f32(scratch.rows) : backend.f64(scratch.rows);
    const step = Math.min(CHUNK, Math.floor(rows.length / classes));
    for (let start = 0; start < n; start += step) {
      const m = Math.min(step, n - start);
      const counted = copyLabels(y, classes, start, m, ignore, labels);
      copyRows(layout, start, m, rows, false);
      const sum = backend.logitLoss(rows, labels, m, classes, weights, weightStride, o.gamma, out);
      if (Number.isNaN(sum)) throw invalidLogits(layout, start + backend.invalidRow());
      reducer.addSamples(sum, counted, start, m, labels);
    }
  } else if (backend.name === 'wasm' && narrowTypedRows(layout, yTrue)) {
    // Narrow rows: copying whole rows is one memcpy over the cache lines that reading p_t
    // touches anyway, and lets the kernel gather and validate at native speed.
    const flat = layout.flat as Float64Array | Float32Array;
    const rows = flat instanceof Float32Array ? backend.f32(scratch.rows) : backend.f64(scratch.rows);
    const rawLabels = backend.i32(scratch.out);
    const step = Math.min(CHUNK, Math.floor(rows.length / classes));
    const epsilon = epsilonFor(o.epsilon, layout.dtype);
    const [int32Ignored, hasIgnore] = int32Ignore(ignore);
    for (let start = 0; start < n; start += step) {
      const m = Math.min(step, n - start);
      rows.set(flat.subarray(start * classes, (start + m) * classes));
      rawLabels.set((yTrue as Int32Array).subarray(start, start + m));
      const counted = backend.gather(rows, rawLabels, m, classes, int32Ignored, hasIgnore, p, labels);
      if (counted < 0) throw firstProblem(y, layout, start, m, ignore);
      const sum = backend.probabilityLoss(p, labels, m, weights, weightStride, o.gamma, epsilon, out);
      reducer.addSamples(sum, counted, start, m, labels);
    }
  } else {
    const epsilon = epsilonFor(o.epsilon, layout.dtype);
    for (let start = 0; start < n; start += CHUNK) {
      const m = Math.min(CHUNK, n - start);
      const counted = gatherProbabilities(y, layout, start, m, ignore, p, labels);
      const sum = backend.probabilityLoss(p, labels, m, weights, weightStride, o.gamma, epsilon, out);
      reducer.addSamples(sum, counted, start, m, labels);
    }
  }
  return reducer.result();
}

/** Rows at most this wide are copied whole (see above); wider ones have only p_t gathered. */
const NARROW_ROW_BYTES = 256;

/** Flat Float64Array/Float32Array predictions with narrow rows, and labels that copy exactly into Int32. */
function narrowTypedRows(layout: Layout, yTrue: unknown): boolean {
  const flat = layout.flat;
  if (!(flat instanceof Float64Array || flat instanceof Float32Array)) return false;
  if (layout.classes * flat.BYTES_PER_ELEMENT > NARROW_ROW_BYTES) return false;
  return yTrue instanceof Int32Array || yTrue instanceof Uint8Array || yTrue instanceof Int8Array ||
    yTrue instanceof Uint16Array || yTrue instanceof Int16Array;
}

export function checkSampleWeight(o: Resolved, n: number): void {
  if (o.sampleWeight !== undefined && o.sampleWeight.length !== n) {
    throw new RangeError(`${o.fn}: sampleWeight has ${o.sampleWeight.length} weights but the batch has ${n} samples`);
  }
}

/** Checks alpha and writes the class weights into backend memory; returns their stride. */
export function prepareWeights(o: Resolved, classes: number, scratch: Scratch): 0 | 1 {
  const alpha = o.alpha;
  if (alpha === undefined || typeof alpha === 'number') {
    scratch.backend.f64(scratch.weights)[0] = alpha ?? 1;
    return 0;
  }
  if (alpha.length !== classes) {
    throw new RangeError(`focalLoss: alpha has ${alpha.length} weights but yPred has ${classes} classes`);
  }
  for (let c = 0; c < classes; c++) {
    const a = alpha[c];
    if (typeof a !== 'number') throw new TypeError(`focalLoss: alpha[${c}] = ${show(a)} is not a number`);
    if (!(a >= 0 && a < Infinity)) {
      throw new RangeError(`focalLoss: alpha[${c}] = ${show(a)} must be finite and >= 0`);
    }
  }
  scratch.ensureWeights(classes);
  scratch.backend.f64(scratch.weights).set(alpha);
  return 1;
}

function invalidLogits(layout: Layout, i: number): Error {
  if (layout.rows !== null) return logitError(i, layout.rows[i], (c) => `yPred[${i}][${c}]`);
  const flat = layout.flat!;
  const row = Array.from({ length: layout.classes }, (_, c) => flat[i * layout.classes + c]);
  return logitError(i, row, (c) => flatName(i, layout.classes, c));
}

