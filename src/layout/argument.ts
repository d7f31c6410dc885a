import { entry, fail } from '../errors/detail.js';
import { describe } from '../errors/show.js';
import { arrayLength, readDims } from '../options/read.js';

/** One of yTrue and yPred as the batch reads it. */
export interface Argument {
  /** Flat values (typed or not), or rows when `rows`. */
  readonly values: ArrayLike<unknown>;
  readonly length: number;
  /** Its dimensions, where it carries them: tensors, { data, shape } and nested arrays read flat. */
  readonly dims: number[] | null;
  /** values holds rows (a nested array of rank 2, left as it is). */
  readonly rows: boolean;
  /** Rows: the first row as it was read, and its length. */
  readonly first?: { readonly row: unknown; readonly width: number };
}

/** Nested arrays deeper than this are refused (no model output has that many dimensions). */
const MAX_RANK = 32;
/** The most values one JavaScript array holds. */
const MAX_ARRAY = 2 ** 32 - 1;

export const isBigIntArray = (value: unknown): value is BigInt64Array | BigUint64Array =>
  value instanceof BigInt64Array || value instanceof BigUint64Array;

export const shapeText = (dims: readonly number[]): string => `[${dims.join(', ')}]`;

/**
 * A tensor's values and dimensions: TensorFlow.js tensors (dataSync, shape), ONNX Runtime
 * ones (data, dims) and { data, shape } records (readNpy's result); null for anything else.
 */
function tensorOf(fn: string, name: string, value: object): Argument | null {
  const t = value as { dataSync?: unknown; shape?: unknown; data?: unknown; dims?: unknown; type?: unknown };
  let values: unknown;
  let dims: unknown;
  if (typeof t.dataSync === 'function' && Array.isArray(t.shape)) {
    values = (t.dataSync as () => unknown).call(value);
    dims = t.shape;
    // A tensor's dataSync() returns a typed array (strings tensors: an array); anything else is not a tensor.
    if (!ArrayBuffer.isView(values) && !Array.isArray(values)) return null;
  } else if (ArrayBuffer.isView(t.data) && (Array.isArray(t.dims) || Array.isArray(t.shape))) {
    values = t.data;
    dims = Array.isArray(t.dims) ? t.dims : t.shape;
  } else {
    return null;
  }
  if (t.type === 'float16') {
    throw fail(TypeError, fn)`${name} is a float16 tensor, whose data holds raw half-precision bits; convert it to float32 first`;
  }
  const shape = readDims(fn, `${name}'s shape`, dims as unknown[]);
  const length = (values as ArrayLike<unknown>).length;
  if (shape.reduce((a, b) => a * b, 1) !== length) {
    throw fail(RangeError, fn)`${name} is a tensor of shape ${shapeText(shape)} but holds ${length} values`;
  }
  return { values: values as ArrayLike<unknown>, length, dims: shape, rows: false };
}

/**
 * An argument as the batch reads it. Tensors become their values and dimensions; typed arrays
 * and flat arrays stay as they are; nested arrays of rank `flatFrom` or more are read into one
 * flat array (their dimensions checked: no ragged level), shallower ones stay rows.
 */
export function readArgument(fn: string, name: string, value: unknown, flatFrom: 2 | 3): Argument {
  const length = arrayLength(fn, name, value);
  if (length === undefined) {
    const tensor = typeof value === 'object' && value !== null ? tensorOf(fn, name, value) : null;
    if (tensor === null) throw fail(TypeError, fn)`${name} must be an array or typed array, got ${describe(value)}`;
    return tensor;
  }
  if (ArrayBuffer.isView(value) || length === 0) return { values: value as ArrayLike<unknown>, length, dims: null, rows: false };
  const dims = [length];
  const first = (value as ArrayLike<unknown>)[0];
  for (let x: unknown = first; dims.length <= MAX_RANK; ) {
    const width = arrayLength(fn, `${name}[0]`, x);
    if (width === undefined) break;
    dims.push(width);
    if (ArrayBuffer.isView(x) || width === 0) break;
    x = (x as ArrayLike<unknown>)[0];
  }
  if (dims.length > MAX_RANK) throw fail(RangeError, fn)`${name} is nested more than ${MAX_RANK} deep`;
  if (dims.length === 1) return { values: value as ArrayLike<unknown>, length, dims: null, rows: false };
  if (dims.length < flatFrom) return { values: value as ArrayLike<unknown>, length, dims: null, rows: true, first: { row: first, width: dims[1] } };
  return { values: flatten(fn, name, value as ArrayLike<unknown>, dims), length: dims.reduce((a, b) => a * b, 1), dims, rows: false };
}

/** Rows (a nested array of rank 2) read flat with their dimensions: yTrue beside a map of rank 3. */
export function flatRows(fn: string, name: string, arg: Argument): Argument {
  const dims = [arg.length, arg.first!.width];
  return { values: flatten(fn, name, arg.values, dims), length: dims[0] * dims[1], dims, rows: false };
}

/** A nested array of shape `dims` (read from its first elements) as one flat array; a ragged level is an error. */
function flatten(fn: string, name: string, value: ArrayLike<unknown>, dims: number[]): unknown[] {
  const total = dims.reduce((a, b) => a * b, 1);
  if (total > MAX_ARRAY) {
    throw fail(RangeError, fn)`${name} has shape ${shapeText(dims)} (as read from its first entries): ${total} values are more than an array holds`;
  }
  const out = new Array<unknown>(total);
  let k = 0;
  const at: number[] = [];
  const walk = (v: ArrayLike<unknown>, d: number): void => {
    if (d === dims.length - 1) {
      for (let j = 0; j < dims[d]; j++) out[k++] = v[j];
      return;
    }
    for (let j = 0; j < dims[d]; j++) {
      at[d] = j;
      const sub = v[j];
      const where = () => entry(name, { coords: at.slice(0, d + 1) });
      const width = arrayLength(fn, name, sub);
      if (width === undefined) {
        throw fail(TypeError, fn)`${where()} must be an array of ${dims[d + 1]} values (${name} has shape ${shapeText(dims)}), got ${describe(sub)}`;
      }
      if (width !== dims[d + 1]) {
        throw fail(RangeError, fn)`ragged ${entry(name)}: ${where()} has length ${width}, expected ${dims[d + 1]} (${name} has shape ${shapeText(dims)}, as read from its first entries)`;
      }
      walk(sub as ArrayLike<unknown>, d + 1);
    }
  };
  walk(value, 0);
  return out;
}
