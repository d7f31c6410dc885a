import type { Layout } from './layout.js';
import { flatName, labelError, notANumber, probabilityError, rowError } from './validate.js';

// Moves samples [start, start + m) of a JS-resident batch into the backend's chunk buffers,
// validating exactly what it reads. Ignored samples get label -1 (and p = 1).

/** Gathers p_t and the label of each sample; returns how many samples are counted. */
export function gatherProbabilities(
  yTrue: ArrayLike<number>, layout: Layout, start: number, m: number, ignore: number | undefined,
  p: Float64Array, labels: Int32Array,
): number {
  return layout.rows === null
    ? gatherFlat(yTrue, layout.flat!, layout.classes, start, m, ignore, p, labels)
    : gatherRows(yTrue, layout.rows, layout.classes, start, m, ignore, p, labels);
}

function gatherFlat(
  yTrue: ArrayLike<number>, flat: ArrayLike<number>, classes: number, start: number, m: number,
  ignore: number | undefined, p: Float64Array, labels: Int32Array,
): number {
  let counted = 0;
  for (let j = 0; j < m; j++) {
    const i = start + j;
    const t = yTrue[i];
    if (t === ignore) {
      labels[j] = -1;
      p[j] = 1;
      continue;
    }
    if (t >>> 0 !== t || t >= classes) throw labelError(i, t, classes, ignore);
    const x = flat[i * classes + t];
    if (!(x >= 0 && x <= 1) || typeof x !== 'number') throw probabilityError(flatName(i, classes, t), x);
    p[j] = x;
    labels[j] = t;
    counted++;
  }
  return counted;
}

function gatherRows(
  yTrue: ArrayLike<number>, rows: ArrayLike<ArrayLike<number>>, classes: number, start: number, m: number,
  ignore: number | undefined, p: Float64Array, labels: Int32Array,
): number {
  let counted = 0;
  for (let j = 0; j < m; j++) {
    const i = start + j;
    const row = rows[i];
    if (typeof row !== 'object' || row === null || row.length !== classes) throw rowError(i, row, classes);
    const t = yTrue[i];
    if (t === ignore) {
      labels[j] = -1;
      p[j] = 1;
      continue;
    }
    if (t >>> 0 !== t || t >= classes) throw labelError(i, t, classes, ignore);
    const x = row[t];
    if (!(x >= 0 && x <= 1) || typeof x !== 'number') throw probabilityError(`yPred[${i}][${t}]`, x);
    p[j] = x;
    labels[j] = t;
    counted++;
  }
  return counted;
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
