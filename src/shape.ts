import { describe } from './errors/show.js';
import { Layout } from './layout/layout.js';
import { arrayLength } from './options/read.js';
import { fail } from './errors/detail.js';

/**
 * What a call's yTrue and yPred hold: N samples of C classes (binary: K labels), each side
 * as N rows or as one flat row-major buffer. Only the first element of each is looked at
 * here; everything else is checked as the chunks are filled.
 */
export interface Batch {
  readonly fn: string;
  /** Samples (binary: rows) and classes (binary: labels per row): layout.samples and layout.classes. */
  readonly n: number;
  readonly classes: number;
  /** Where a flat yPred (and flat target rows) keep each value. */
  readonly layout: Layout;
  readonly yTrue: ArrayLike<unknown>;
  /** yTrue holds N rows (target rows, or binary targets of K labels) rather than N values. */
  readonly trueRows: boolean;
  readonly yPred: ArrayLike<unknown>;
  /** yPred holds N rows rather than one flat buffer of N·C values. */
  readonly predRows: boolean;
  /** yPred is a Float32Array (or its first row is): epsilon 'auto' is then 2^-23. */
  readonly f32: boolean;
  /** " (N samples × C classes ...)", for the shape errors. */
  readonly shape: string;
  /** How messages name yTrue and yPred ("labels" and "predictions" for a workspace). */
  readonly trueName: string;
  readonly predName: string;
}

/** A tensor's values and shape, for TensorFlow.js tensors (dataSync) and ONNX Runtime ones (data, dims). */
function tensorValues(value: object): { values: ArrayLike<number>; shape: number[] } | null {
  const t = value as { dataSync?: unknown; shape?: unknown; data?: unknown; dims?: unknown };
  if (typeof t.dataSync === 'function' && Array.isArray(t.shape)) {
    const values: unknown = (t.dataSync as () => unknown).call(value);
    // A tensor's dataSync() returns a typed array (strings tensors: an array); anything else is not a tensor.
    if (!ArrayBuffer.isView(values) && !Array.isArray(values)) return null;
    return { values: values as ArrayLike<number>, shape: t.shape as number[] };
  }
  if (ArrayBuffer.isView(t.data) && Array.isArray(t.dims)) {
    return { values: t.data as unknown as ArrayLike<number>, shape: (t.dims as unknown[]).map(Number) };
  }
  return null;
}

/** An argument as the array-like it must be, with its length (read once): tensors become their values. */
export function arrayArgument(
  fn: string, name: string, value: unknown,
): { values: ArrayLike<unknown>; length: number; tensorShape: number[] | null } {
  let length = arrayLength(fn, name, value);
  if (length === undefined && typeof value === 'object' && value !== null) {
    const tensor = tensorValues(value);
    if (tensor !== null) {
      if (tensor.values instanceof BigInt64Array || tensor.values instanceof BigUint64Array) {
        throw fail(TypeError, fn)`${name} is an int64 tensor; convert it to int32 or float32 first`;
      }
      const length = tensor.values.length;
      const shape = tensor.shape;
      if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || shape.reduce((a, b) => a * b, 1) !== length) {
        throw fail(RangeError, fn)`${name} is a tensor of shape [${shape.join(', ')}] but holds ${length} values`;
      }
      return { values: tensor.values, length, tensorShape: shape };
    }
  }
  if (length === undefined) throw fail(TypeError, fn)`${name} must be an array or typed array, got ${describe(value)}`;
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
    throw fail(TypeError, fn)`${name} must hold numbers, got a ${value.constructor.name} (convert BigInts with Number())`;
  }
  return { values: value as ArrayLike<unknown>, length, tensorShape: null };
}

const rowsOf = (values: ArrayLike<unknown>, n: number, width: number): ArrayLike<unknown> =>
  ArrayBuffer.isView(values)
    ? Array.from({ length: n }, (_, i) => (values as unknown as Float64Array).subarray(i * width, (i + 1) * width))
    : values;

/** The first row and its length when the argument holds rows (its first element is an array-like). */
function firstRow(fn: string, name: string, values: ArrayLike<unknown>, length: number): { row: unknown; width: number } | undefined {
  if (ArrayBuffer.isView(values) || length === 0) return undefined;
  const row = values[0];
  const width = arrayLength(fn, `${name}[0]`, row);
  if (width === undefined) return undefined;
  if (row instanceof BigInt64Array || row instanceof BigUint64Array) {
    throw fail(TypeError, fn)`${name}[0] must hold numbers, got a ${row.constructor.name}`;
  }
  return { row, width };
}

/**
 * The batch of focalLoss (`binary`: binaryFocalLoss, whose yTrue and yPred have one shape).
 * `classes` pins C (K); without it C is yPred's row length, or its length / N when flat.
 */
export function describeBatch(fn: string, yTrue: unknown, yPred: unknown, classes: number | undefined, binary: boolean): Batch {
  const truth = arrayArgument(fn, 'yTrue', yTrue);
  const pred = arrayArgument(fn, 'yPred', yPred);
  let t = truth.values;
  let p = pred.values;
  let trueLength = truth.length;
  let predLength = pred.length;
  // A tensor of shape [N, C] (or [N, 1] labels) arrives flat; its shape says what it is.
  const tensorWidth = pred.tensorShape?.length === 2 ? pred.tensorShape[1] : undefined;
  if (classes === undefined && tensorWidth !== undefined) classes = tensorWidth;
  if (truth.tensorShape?.length === 2 && truth.tensorShape[1] > 1) {
    trueLength = truth.tensorShape[0];
    t = rowsOf(t, trueLength, truth.tensorShape[1]);
    if (binary) {
      predLength = truth.tensorShape[0];
      p = rowsOf(p, predLength, truth.tensorShape[1]);
    }
  }
  const trueRows = firstRow(fn, 'yTrue', t, trueLength) !== undefined;
  const first = firstRow(fn, 'yPred', p, predLength);
  const predRows = first !== undefined;
  let n = trueLength;
  if (binary && !trueRows && !predRows && classes !== undefined && classes > 1) {
    if (trueLength % classes !== 0) {
      throw fail(RangeError, fn)`flat yTrue has ${trueLength} values, which is not a multiple of classes = ${classes}`;
    }
    n = trueLength / classes;
  }
  if (n === 0) throw fail(RangeError, fn)`empty batch: yTrue has no ${binary ? 'elements' : 'samples'}`;

  if (binary && trueRows !== predRows) {
    throw fail(RangeError, fn)`yTrue and yPred must have the same shape: both flat, or both N × K rows`;
  }
  if (predRows) {
    if (predLength !== n) {
      // N·C flat labels beside N rows of C: one-hot labels laid out flat.
      const hint = !binary && !trueRows && n === predLength * first.width
        ? `; ${n} = ${predLength} × ${first.width}: one-hot or soft labels go as rows (yTrue[i] = [...])`
        : '';
      throw fail(RangeError, fn)`yPred has ${predLength} rows but yTrue has ${n} ${binary ? 'rows' : 'labels'}${hint}`;
    }
    if (classes !== undefined && first.width !== classes) {
      throw fail(RangeError, fn)`yPred[0] has ${first.width} values, but classes is ${classes}`;
    }
    if (first.width === 0) throw fail(RangeError, fn)`yPred[0] is an empty row; need at least one ${binary ? 'label' : 'class'}`;
    return batch(fn, n, first.width, t, trueRows, p, true, first.row instanceof Float32Array, classes !== undefined, binary);
  }
  const c = classes ?? (binary ? 1 : predLength / n);
  if (predLength !== n * c || predLength === 0 || !Number.isInteger(c)) {
    if (binary && classes === undefined) throw fail(RangeError, fn)`yPred has ${predLength} elements but yTrue has ${n}`;
    const expected = classes !== undefined
      ? `expected ${n} ${binary ? 'rows' : 'samples'} × ${c} ${binary ? 'labels' : 'classes'} = ${n * c}`
      : `which is not a positive multiple of the ${n} labels in yTrue`;
    throw fail(RangeError, fn)`flat yPred has length ${predLength}, ${expected}`;
  }
  return batch(fn, n, c, t, trueRows, p, false, p instanceof Float32Array, classes !== undefined, binary);
}

function batch(
  fn: string, n: number, classes: number, yTrue: ArrayLike<unknown>, trueRows: boolean, yPred: ArrayLike<unknown>,
  predRows: boolean, f32: boolean, pinned: boolean, binary: boolean,
): Batch {
  const what = binary ? `${n} rows × ${classes} labels` : `${n} samples × ${classes} classes`;
  const shape = ` (the batch is ${what}${pinned ? '' : ', as inferred from the shapes; pass classes to pin C'})`;
  return { fn, n, classes, layout: new Layout(n, classes), yTrue, trueRows, yPred, predRows, f32, shape, trueName: 'yTrue', predName: 'yPred' };
}
