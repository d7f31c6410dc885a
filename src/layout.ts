import type { Dtype } from './backend.js';
import { isArrayLike, show } from './options.js';

/** The shape of a batch: N samples of C classes, as rows or as one flat row-major buffer. */
export interface Layout {
  n: number;
  classes: number;
  /** yTrue as target rows (one-hot or soft), or null for class indices. */
  targets: ArrayLike<ArrayLike<number>> | null;
  rows: ArrayLike<ArrayLike<number>> | null;
  flat: ArrayLike<number> | null;
  /** f32 when the predictions are Float32Array(s); decides epsilon 'auto' and the logit buffer. */
  dtype: Dtype;
}

export function arrayLike(name: string, value: unknown, fn = 'focalLoss'): ArrayLike<unknown> {
  if (!isArrayLike(value) || value instanceof DataView) {
    throw new TypeError(`${fn}: ${name} must be an array or typed array, got ${describeValue(value)}`);
  }
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
    throw new TypeError(`${fn}: ${name} must hold numbers, got a ${value.constructor.name}`);
  }
  return value;
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  return `${typeof value} ${show(value)}`;
}

export function describe(yTrue: unknown, yPred: unknown): Layout {
  const labels = arrayLike('yTrue', yTrue);
  const pred = arrayLike('yPred', yPred);
  const n = labels.length;
  if (n === 0) throw new RangeError('focalLoss: empty batch: yTrue has no samples');
  const targets = !ArrayBuffer.isView(labels) && isArrayLike(labels[0]) ? (labels as ArrayLike<ArrayLike<number>>) : null;

  const first = pred.length > 0 ? pred[0] : undefined;
  if (!ArrayBuffer.isView(pred) && isArrayLike(first)) {
    if (pred.length !== n) {
      throw new RangeError(`focalLoss: yPred has ${pred.length} rows but yTrue has ${n} labels`);
    }
    const classes = first.length;
    if (classes === 0) throw new RangeError('focalLoss: yPred[0] is an empty row; need at least one class');
    return {
      n,
      classes,
      targets,
      rows: pred as ArrayLike<ArrayLike<number>>,
      flat: null,
      dtype: first instanceof Float32Array ? 'f32' : 'f64',
    };
  }
  if (pred.length === 0 || pred.length % n !== 0) {
    throw new RangeError(
      `focalLoss: flat yPred has length ${pred.length}, which is not a positive multiple of the ${n} labels in yTrue`,
    );
  }
  return {
    n,
    classes: pred.length / n,
    targets,
    rows: null,
    flat: pred as ArrayLike<number>,
    dtype: pred instanceof Float32Array ? 'f32' : 'f64',
  };
}
