import type { Layout } from './layout.js';
import { flatName, labelError, notANumber, probabilityError, rowError, targetError, targetRowError } from './validate.js';

// Moves samples [start, start + m) of a JS-resident batch into the backend's chunk buffers,
// validating exactly what it reads. Ignored samples get label -1 (and p = 1).

/**
 * Gathers p_t and the label of each sample; returns how many samples are counted.
 * The loops only note that something is wrong; a second, strict pass over the chunk then
 * finds the first offender and throws, so the common path carries no error handling.
 */
export function gatherProbabilities(
  yTrue: ArrayLike<number>, layout: Layout, start: number, m: number, ignore: number | undefined,
  p: Float64Array, labels: Int32Array,
): number {
  const counted =
    layout.rows === null
      ? gatherFlat(yTrue, layout.flat!, layout.classes, start, m, ignore, p, labels)
      : gatherRows(yTrue, layout.rows, layout.classes, start, m, ignore, p, labels);
  if (counted < 0) throw firstProblem(yTrue, layout, start, m, ignore);
  return counted;
}

function gatherFlat(
  yTrue: ArrayLike<number>, flat: ArrayLike<number>, classes: number, start: number, m: number,
  ignore: number | undefined, p: Float64Array, labels: Int32Array,
): number {
  let counted = 0;
  let valid = true;
  for (let j = 0; j < m; j++) {
    const i = start + j;
    const t = yTrue[i];
    if (t === ignore) {
      labels[j] = -1;
      p[j] = 1;
      continue;
    }
    const x = flat[i * classes + t];
    valid = valid && t >>> 0 === t && t < classes && x >= 0 && x <= 1 && typeof x === 'number';
    p[j] = x;
    labels[j] = t;
    counted++;
  }
  return valid ? counted : -1;
}

function gatherRows(
  yTrue: ArrayLike<number>, rows: ArrayLike<ArrayLike<number>>, classes: number, start: number, m: number,
  ignore: number | undefined, p: Float64Array, labels: Int32Array,
): number {
  let counted = 0;
  let valid = true;
  for (let j = 0; j < m; j++) {
    const i = start + j;
    const row = rows[i];
    if (typeof row !== 'object' || row === null || row.length !== classes) return -1;
    const t = yTrue[i];
    if (t === ignore) {
      labels[j] = -1;
      p[j] = 1;
      continue;
    }
    const x = row[t];
    valid = valid && t >>> 0 === t && t < classes && x >= 0 && x <= 1 && typeof x === 'number';
    p[j] = x;
    labels[j] = t;
    counted++;
  }
  return valid ? counted : -1;
}

/** The first invalid label, row or p_t of a chunk that failed validation, as an error. */
export function firstProblem(
  yTrue: ArrayLike<number>, layout: Layout, start: number, m: number, ignore: number | undefined,
): Error {
  const classes = layout.classes;
  for (let i = start; i < start + m; i++) {
    const row = layout.rows === null ? null : layout.rows[i];
    if (layout.rows !== null && (typeof row !== 'object' || row === null || row.length !== classes)) {
      return rowError(i, row, classes);
    }
    const t = yTrue[i];
    if (t === ignore) continue;
    if (t >>> 0 !== t || t >= classes) return labelError(i, t, classes, ignore);
    const x = row === null ? layout.flat![i * classes + t] : row[t];
    if (!(x >= 0 && x <= 1) || typeof x !== 'number') {
      return probabilityError(row === null ? flatName(i, classes, t) : `yPred[${i}][${t}]`, x);
    }
  }
  throw new Error('focalLoss: internal error: a chunk failed validation but no offender was found');
}

/** Validates and copies the labels of a logit chunk; returns how many are counted. */
export function copyLabels(
  yTrue: ArrayLike<number>, classes: number, start: number, m: number, ignore: number | undefined,
  labels: Int32Array,
): number {
  let counted = 0;
  for (let j = 0; j < m; j++) {
    const i = start + j;
    const t = yTrue[i];
    if (t === ignore) {
      labels[j] = -1;
      continue;
    }
    if (t >>> 0 !== t || t >= classes) throw labelError(i, t, classes, ignore);
    labels[j] = t;
    counted++;
  }
  return counted;
}

/**
 * Copies m whole rows into `into`. Logits are only type-checked here (the kernel rejects NaN
 * and +Infinity); probabilities must lie in [0, 1].
 */
export function copyRows(
  layout: Layout, start: number, m: number, into: Float64Array | Float32Array, probabilities: boolean,
): void {
  const classes = layout.classes;
  if (layout.rows === null) {
    const flat = layout.flat!;
    if (ArrayBuffer.isView(flat) && !probabilities) {
      into.set((flat as unknown as Float64Array).subarray(start * classes, (start + m) * classes));
    } else {
      copyChecked(flat, start * classes, m * classes, into, 0, probabilities, (k) =>
        flatName(start + Math.floor(k / classes), classes, k % classes),
      );
    }
    return;
  }
  for (let j = 0; j < m; j++) {
    const i = start + j;
    const row = layout.rows[i];
    if (typeof row !== 'object' || row === null || row.length !== classes) throw rowError(i, row, classes);
    if (ArrayBuffer.isView(row) && !probabilities) into.set(row as unknown as Float64Array, j * classes);
    else copyChecked(row, 0, classes, into, j * classes, probabilities, (c) => `yPred[${i}][${c}]`);
  }
}

// Plain arrays may hold anything; a typed array's set() would coerce "1" to 1 silently.
function copyChecked(
  from: ArrayLike<unknown>, offset: number, count: number, into: Float64Array | Float32Array, at: number,
  probabilities: boolean, name: (k: number) => string, fn = 'focalLoss',
): void {
  for (let k = 0; k < count; k++) {
    const v = from[offset + k];
    if (typeof v !== 'number' || (probabilities && !(v >= 0 && v <= 1))) {
      throw probabilities ? probabilityError(name(k), v, fn) : notANumber(name(k), v, fn);
    }
    into[at + k] = v;
  }
}

/**
 * Copies target rows (one-hot or soft, each value in [0, 1]) with label smoothing applied:
 * y * (1 - s) + s / classes. Every row counts.
 */
export function copyTargets(
  targets: ArrayLike<ArrayLike<number>>, classes: number, start: number, m: number, smoothing: number,
  into: Float64Array,
): void {
  const keep = 1 - smoothing;
  const spread = smoothing / classes;
  for (let j = 0; j < m; j++) {
    const i = start + j;
    const row = targets[i];
    if (typeof row !== 'object' || row === null || row.length !== classes) throw targetRowError(i, row, classes);
    for (let c = 0; c < classes; c++) {
      const y = row[c];
      if (typeof y !== 'number' || !(y >= 0 && y <= 1)) throw targetError(`yTrue[${i}][${c}]`, y);
      into[j * classes + c] = y * keep + spread;
    }
  }
}

/**
 * Class indices as smoothed target rows; ignored samples get a zero row and label -1 in
 * `labels`. Returns how many samples count.
 */
export function smoothLabels(
  yTrue: ArrayLike<number>, classes: number, start: number, m: number, smoothing: number,
  ignore: number | undefined, into: Float64Array, labels: Int32Array,
): number {
  const spread = smoothing / classes;
  let counted = 0;
  for (let j = 0; j < m; j++) {
    const i = start + j;
    const t = yTrue[i];
    const ignored = t === ignore;
    if (!ignored && (t >>> 0 !== t || t >= classes)) throw labelError(i, t, classes, ignore);
    into.fill(ignored ? 0 : spread, j * classes, (j + 1) * classes);
    labels[j] = ignored ? -1 : t;
    if (!ignored) {
      into[j * classes + t] += 1 - smoothing;
      counted++;
    }
  }
  return counted;
}

/**
 * The ignore index as the kernels compare it with Int32 labels: an ignoreIndex outside the
 * Int32 range can never match one, so it is dropped.
 */
export function int32Ignore(ignoreIndex: number | undefined): [ignore: number, hasIgnore: boolean] {
  return ignoreIndex !== undefined && (ignoreIndex | 0) === ignoreIndex ? [ignoreIndex, true] : [0, false];
}

/**
 * Copies the weights of samples [start, start + m), each repeated `repeat` times (one per
 * element of a multi-label row). Returns the sum of the weights of counted samples: all of
 * them, or those whose label is not -1 when `labels` is given.
 */
export function copySampleWeights(
  fn: string, weights: ArrayLike<number>, start: number, m: number, repeat: number, into: Float64Array,
  labels: Int32Array | null,
): number {
  let total = 0;
  for (let j = 0; j < m; j++) {
    const w = weights[start + j];
    if (typeof w !== 'number') throw notANumber(`sampleWeight[${start + j}]`, w, fn);
    if (!(w >= 0 && w < Infinity)) {
      throw new RangeError(`${fn}: sampleWeight[${start + j}] = ${w} must be finite and >= 0`);
    }
    into.fill(w, j * repeat, (j + 1) * repeat);
    if (labels === null || labels[j] >= 0) total += w * repeat;
  }
  return total;
}
