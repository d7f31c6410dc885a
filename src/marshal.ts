import type { Layout } from './layout.js';
import { flatName, labelError, notANumber, probabilityError, rowError } from './validate.js';

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

function firstProblem(
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

/** Copies m whole logit rows into `into` (the kernel checks their values). */
export function copyLogitRows(layout: Layout, start: number, m: number, into: Float64Array | Float32Array): void {
  const classes = layout.classes;
  if (layout.rows === null) {
    const flat = layout.flat!;
    if (ArrayBuffer.isView(flat)) {
      into.set((flat as unknown as Float64Array).subarray(start * classes, (start + m) * classes));
    } else {
      copyPlain(flat, start * classes, m * classes, into, 0, (k) => flatName(start + Math.floor(k / classes), classes, k % classes));
    }
    return;
  }
  for (let j = 0; j < m; j++) {
    const i = start + j;
    const row = layout.rows[i];
    if (typeof row !== 'object' || row === null || row.length !== classes) throw rowError(i, row, classes);
    if (ArrayBuffer.isView(row)) into.set(row as unknown as Float64Array, j * classes);
    else copyPlain(row, 0, classes, into, j * classes, (c) => `yPred[${i}][${c}]`);
  }
}

// Plain arrays may hold anything; a typed array's set() would coerce "1" to 1 silently.
function copyPlain(
  from: ArrayLike<unknown>, offset: number, count: number, into: Float64Array | Float32Array, at: number,
  name: (k: number) => string,
): void {
  for (let k = 0; k < count; k++) {
    const v = from[offset + k];
    if (typeof v !== 'number') throw notANumber(name(k), v);
    into[at + k] = v;
  }
}
