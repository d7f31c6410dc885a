import { entry, fail, option } from './errors/detail.js';
import { count, show } from './errors/show.js';
import { flatRows, isBigIntArray, readArgument, shapeText, type Argument } from './layout/argument.js';
import { Layout } from './layout/layout.js';
import { mapShape } from './layout/map.js';
import { readDims } from './options/read.js';

/**
 * What a call's yTrue and yPred hold: N samples of C classes (binary: K labels), each side
 * as N rows or as one flat buffer in the batch's layout (rows, or maps with the classes on any
 * axis). Only shapes and first elements are looked at here; values are checked as the chunks
 * are filled.
 */
export interface Batch {
  readonly fn: string;
  /** Samples (binary: rows) and classes (binary: labels per row): layout.samples and layout.classes. */
  readonly n: number;
  readonly classes: number;
  /** Where a flat yPred (and flat targets) keep each value. */
  readonly layout: Layout;
  readonly yTrue: ArrayLike<unknown>;
  /** yTrue holds one target per entry of yPred (target rows, binary targets), not one class index per sample. */
  readonly targets: boolean;
  /** yTrue holds N rows (target rows, or binary targets of K labels) rather than flat values. */
  readonly trueRows: boolean;
  readonly yPred: ArrayLike<unknown>;
  /** yPred holds N rows rather than one flat buffer of N·C values. */
  readonly predRows: boolean;
  /** yPred is a Float32Array (or its first row is): epsilon 'auto' is then 2^-23. */
  readonly f32: boolean;
  /** The batch's first dimension (images of a map; rows otherwise): a sampleWeight of this length weighs images. */
  readonly images: number;
  /** " (N samples × C classes ...)", for the shape errors. */
  readonly shape: string;
  /** How messages name yTrue and yPred ("labels" and "predictions" for a workspace). */
  readonly trueName: string;
  readonly predName: string;
}

/** How a call says where its classes are: C, the class axis and yPred's dimensions (see the options of the same names). */
export interface BatchOptions {
  readonly classes?: number;
  readonly axis?: number;
  readonly shape?: readonly number[];
}

/**
 * The batch of focalLoss (`binary`: binaryFocalLoss, whose yTrue and yPred have one shape).
 * yPred's dimensions come from a tensor, a nested array of rank ≥ 3 or the `shape` option;
 * with them, `axis` says where the classes are and yTrue is checked against them. Without
 * them (flat buffers, rows) the batch is N × C as before: `classes` pins C, else C is yPred's
 * row length, or its length / N when flat.
 */
export function describeBatch(fn: string, yTrue: unknown, yPred: unknown, o: BatchOptions, binary: boolean): Batch {
  const given = readArgument(fn, 'yTrue', yTrue, 3);
  const pred = readArgument(fn, 'yPred', yPred, 3);
  let dims = o.shape === undefined ? pred.dims : shapeOption(fn, pred, o.shape);
  // Rank 1 is flat, as it always was: N labels (binary: N values) or N·C values.
  if (dims !== null && dims.length < 2) dims = null;
  // Beside a map of rank ≥ 3, nested labels of rank 2 are a map too ([N, L] of an [N, C, L] yPred).
  const truth = given.rows && dims !== null && dims.length > 2 ? flatRows(fn, 'yTrue', given) : given;
  if (isBigIntArray(pred.values)) throw bigInts(fn, 'yPred', pred.values, 'predictions');
  if (dims === null && truth.dims !== null && truth.dims.length >= 2 && !pred.rows) dims = fromTruth(fn, truth, pred, binary);
  if (dims !== null) {
    const map = mapShape(fn, truth, dims, o.axis ?? -1, o.classes, binary);
    if (map.targets && isBigIntArray(truth.values)) throw bigInts(fn, 'yTrue', truth.values, 'targets');
    const f32 = pred.values instanceof Float32Array;
    return { ...names(fn), n: map.layout.samples, classes: map.layout.classes, layout: map.layout, yTrue: truth.values, targets: map.targets,
      trueRows: truth.rows, yPred: pred.values, predRows: false, f32, images: map.images, shape: map.aside };
  }
  if (o.axis !== undefined && o.axis !== -1 && o.axis !== 1) {
    throw fail(RangeError, fn)`${option('axis')} is ${o.axis}, but yPred has no shape to place it in (a flat buffer or rows is N × C): pass ${option('shape')}, or a tensor`;
  }
  return rowsBatch(fn, truth, pred, o.classes, binary);
}

/** The shape option, checked against yPred (it describes a flat buffer; a tensor or nested array carries its own). */
function shapeOption(fn: string, pred: Argument, shape: readonly number[]): number[] {
  const dims = readDims(fn, 'shape', shape);
  const own = pred.rows ? null : pred.dims;
  if (pred.rows || (own !== null && own.join() !== dims.join())) {
    const has = own !== null ? `has shape ${shapeText(own)}` : 'holds rows';
    throw fail(RangeError, fn)`${option('shape')} is ${shapeText(dims)} but yPred ${has}; shape describes a flat yPred`;
  }
  if (dims.reduce((a, b) => a * b, 1) !== pred.length) {
    throw fail(RangeError, fn)`${option('shape')} ${shapeText(dims)} holds ${dims.reduce((a, b) => a * b, 1)} values but yPred has ${pred.length}`;
  }
  return dims;
}

/**
 * yPred flat without a shape beside a yTrue with one: yPred takes yTrue's shape when it has as
 * many values (targets of its shape); [N, 1] labels stay N labels; anything else is refused,
 * since where C goes in a map cannot be guessed.
 */
function fromTruth(fn: string, truth: Argument, pred: Argument, binary: boolean): number[] | null {
  const t = truth.dims!;
  if (truth.length === pred.length) return t;
  if (!binary && t.length === 2 && t[1] === 1) return null;
  if (binary || t.length === 2) {
    throw fail(RangeError, fn)`yPred has ${pred.length} values but yTrue ${shapeText(t)} has ${truth.length}; ${binary ? 'they must have the same shape' : `target rows of shape ${shapeText(t)} need as many predictions`}`;
  }
  throw fail(RangeError, fn)`yTrue is a map of shape ${shapeText(t)} but yPred is a flat buffer of ${pred.length} values without a shape: pass ${option('shape')} (e.g. channels-first [${t[0]}, C, ${t.slice(1).join(', ')}] with ${option('axis', 1)}, or channels-last [${t.join(', ')}, C])`;
}

function bigInts(fn: string, name: string, values: BigInt64Array | BigUint64Array, what: string): Error {
  return fail(TypeError, fn)`${name} is a ${values.constructor.name}; ${what} must be numbers (only class indices may be BigInts): convert it first`;
}

const names = (fn: string) => ({ fn, trueName: 'yTrue', predName: 'yPred' });

/** The first row and its length when the argument holds rows (as reading the argument found them). */
function firstRow(fn: string, name: string, arg: Argument): { row: unknown; width: number } | undefined {
  if (!arg.rows) return undefined;
  const { row, width } = arg.first!;
  if (isBigIntArray(row)) throw fail(TypeError, fn)`${name}[0] must hold numbers, got a ${row.constructor.name}`;
  return { row, width };
}

const rowsOf = (values: ArrayLike<unknown>, n: number, width: number): ArrayLike<unknown> =>
  Array.from({ length: n }, (_, i) => (values as unknown as Float64Array).subarray(i * width, (i + 1) * width));

/** A batch without dimensions: N rows of C, or flat buffers of N·C values row-major (and N labels). */
function rowsBatch(fn: string, truth: Argument, pred: Argument, classes: number | undefined, binary: boolean): Batch {
  let t = truth.values;
  let trueRows = truth.rows;
  let trueLength = truth.length;
  // Rows of a [N, C] tensor beside rows of yPred; [N, 1] labels are N labels.
  const tensorRows = truth.dims !== null && truth.dims.length === 2 && truth.dims[1] > 1;
  if (isBigIntArray(t) && (binary || trueRows || tensorRows)) throw bigInts(fn, 'yTrue', t, 'targets');
  if (tensorRows) {
    trueLength = truth.dims![0];
    t = rowsOf(t, trueLength, truth.dims![1]);
    trueRows = true;
  }
  const first = firstRow(fn, 'yPred', pred);
  const firstTrue = firstRow(fn, 'yTrue', truth);
  if (!binary && firstTrue !== undefined && firstTrue.width === 1 && (first === undefined || first.width > 1)) {
    t = labelColumn(fn, t);
    trueRows = false;
  }
  const predRows = first !== undefined;
  const predLength = pred.length;
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
    return batch(fn, n, first.width, t, trueRows, pred.values, true, first.row instanceof Float32Array, classes !== undefined, binary);
  }
  // PyTorch's losses take (input, target): N rows of C scores beside N labels, the other way round.
  if (!binary && trueRows && predLength === n && n > 0) throw swapped(fn, `yTrue holds ${count(n, 'row')} of ${firstTrue?.width ?? truth.dims![1]} values and yPred ${count(predLength, 'value')}`);
  const c = classes ?? (binary ? 1 : predLength / n);
  if (predLength !== n * c || predLength === 0 || !Number.isInteger(c)) {
    if (binary && classes === undefined) throw fail(RangeError, fn)`yPred has ${predLength} elements but yTrue has ${n}`;
    const expected = classes !== undefined
      ? `expected ${n} ${binary ? 'rows' : 'samples'} × ${c} ${binary ? 'labels' : 'classes'} = ${n * c}`
      : `which is not a positive multiple of the ${n} labels in yTrue`;
    const turned = !binary && classes === undefined && predLength > 0 && predLength < n && n % predLength === 0
      ? `; if yTrue holds the predictions, the arguments are swapped: labels first, ${fn}(yTrue, yPred, …)`
      : '';
    throw fail(RangeError, fn)`flat yPred has length ${predLength}, ${expected}${turned}`;
  }
  return batch(fn, n, c, t, trueRows, pred.values, false, pred.values instanceof Float32Array, classes !== undefined, binary);
}

/** An (N, 1) column of class indices, as PyTorch and Keras often hold them: N labels; every row must hold one. */
function labelColumn(fn: string, rows: ArrayLike<unknown>): unknown[] {
  return Array.from({ length: rows.length }, (_, i) => {
    const row = rows[i] as ArrayLike<unknown> | null | undefined;
    const length = typeof row === 'object' && row !== null ? row.length : undefined;
    if (length !== 1) {
      throw fail(RangeError, fn)`ragged yTrue: ${entry('yTrue', { index: i })} is ${show(row)}, but yTrue[0] holds one class index (an (N, 1) column of labels): give one per row, or flat labels`;
    }
    return row![0];
  });
}

function swapped(fn: string, what: string): RangeError {
  return fail(RangeError, fn)`${what}: the arguments look swapped. Labels go first, ${fn}(yTrue, yPred, …), as in Keras (PyTorch's losses take the prediction first)`;
}

function batch(
  fn: string, n: number, classes: number, yTrue: ArrayLike<unknown>, trueRows: boolean, yPred: ArrayLike<unknown>,
  predRows: boolean, f32: boolean, pinned: boolean, binary: boolean,
): Batch {
  const what = binary ? `${count(n, 'row')} × ${count(classes, 'label')}` : `${count(n, 'sample')} × ${count(classes, 'class')}`;
  const shape = ` (the batch is ${what}${pinned ? '' : ', as inferred from the shapes; pass classes to pin C'})`;
  return {
    ...names(fn), n, classes, layout: new Layout(n, classes), yTrue, targets: binary || trueRows, trueRows, yPred, predRows, f32, images: n,
    shape,
  };
}
