import { detachedError, notANumber } from '../errors/input.js';
import { describe, show } from '../errors/show.js';
import { entry, fail, option } from '../errors/detail.js';

// Reading user options: own enumerable properties only (an inherited Object.prototype.reduction
// changes nothing), each read exactly once (a getter cannot hand the check one value and the
// computation another), and `undefined` treated as absent.

/**
 * The options object's own properties, with unknown keys rejected and undefined values dropped.
 * `habits` maps names other libraries use to the "did you mean …" that says what they are here.
 */
export function ownOptions(
  fn: string, value: unknown, known: readonly string[], what = 'options', habits: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  const read: Record<string, unknown> = Object.create(null);
  if (value === undefined) return read;
  if (!isOptionsObject(value)) throw fail(TypeError, fn)`${what} must be an object, got ${describe(value)}`;
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const habit = Object.hasOwn(habits, key) ? habits[key] : undefined;
      const near = known.find((k) => editDistance(k, key) <= 2);
      const hint = habit !== undefined ? ` (did you mean ${habit})` : near !== undefined ? ` (did you mean ${show(near)}?)` : '';
      throw fail(TypeError, fn)`unknown option ${show(key)}${hint}`;
    }
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) read[key] = v;
  }
  return read;
}

export function numberIn(fn: string, name: string, value: unknown, ok: (v: number) => boolean, what: string): number {
  if (typeof value !== 'number') throw fail(TypeError, fn)`${option(name)} must be a number, got ${describe(value)}`;
  if (!ok(value)) throw fail(RangeError, fn)`${option(name)} must be ${what}, got ${show(value)}`;
  return value;
}

export function oneOf<T extends string>(fn: string, name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw fail(TypeError, fn)`${option(name)} must be a string, got ${describe(value)}`;
  if (!(allowed as readonly string[]).includes(value)) {
    throw fail(RangeError, fn)`${option(name)} must be one of ${allowed.map((a) => show(a)).join(', ')}, got ${show(value)}`;
  }
  return value as T;
}

export function booleanOr(fn: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw fail(TypeError, fn)`${option(name)} must be a boolean, got ${describe(value)}`;
  return value;
}

export const finiteNonNegative = (v: number): boolean => v >= 0 && v < Infinity;

/**
 * The length of an array-like, read once (a getter gives one answer), or undefined for
 * anything that is not one; a length that is negative, fractional or beyond 2^53 is an error.
 */
export function arrayLength(fn: string, name: string, value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null || value instanceof DataView) return undefined;
  const n = (value as { length?: unknown }).length;
  if (typeof n !== 'number') return undefined;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw fail(RangeError, fn)`${name}.length = ${show(n)} is not a valid length (a safe integer >= 0)`;
  }
  if (n === 0) {
    const detached = detachedError(fn, name, value);
    if (detached !== null) throw detached;
  }
  return n;
}

/**
 * The dimensions of a shape as given (numbers, or BigInts as ONNX Runtime gives them), each
 * checked to be a safe integer >= 0.
 */
export function readDims(fn: string, what: string, dims: readonly unknown[]): number[] {
  return dims.map((d) => {
    const n = typeof d === 'bigint' && d >= 0n && d <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(d) : d;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw fail(RangeError, fn)`${what} has a dimension ${show(d)}; dimensions are integers >= 0`;
    }
    return n;
  });
}

const isBigIntArray = (value: unknown): value is BigInt64Array | BigUint64Array =>
  value instanceof BigInt64Array || value instanceof BigUint64Array;

/** Labels are Int32, so no batch has more classes than this. */
const MAX_CLASSES = 2 ** 31 - 1;

/** Per-class or per-element numbers, copied once with every element checked. */
export function numbers(fn: string, name: string, value: unknown, ok: (v: number) => boolean, what: string): Float64Array {
  const n = arrayLength(fn, name, value);
  if (n === undefined || isBigIntArray(value)) {
    throw fail(TypeError, fn)`${option(name)} must be a number or an array of numbers, got ${describe(value)}`;
  }
  if (n > MAX_CLASSES) throw fail(RangeError, fn)`${option(name)} has ${n} weights; a batch has at most ${MAX_CLASSES} classes`;
  const copy = new Float64Array(n);
  const array = value as ArrayLike<unknown>;
  for (let i = 0; i < n; i++) {
    const v = array[i];
    if (typeof v !== 'number') throw notANumber(fn, entry(name, { index: i }), v);
    if (!ok(v)) throw fail(RangeError, fn)`${entry(name, { index: i })} = ${show(v)} must be ${what}`;
    copy[i] = v;
  }
  return copy;
}

/** Per-sample values read later, chunk by chunk, with their length read now. */
export interface ArrayOption {
  values: ArrayLike<unknown>;
  length: number;
}

export function arrayOption(fn: string, name: string, value: unknown, what: string): ArrayOption | undefined {
  if (value === undefined) return undefined;
  const length = arrayLength(fn, name, value);
  if (length === undefined || isBigIntArray(value)) throw fail(TypeError, fn)`${option(name)} must be ${what}, got ${describe(value)}`;
  return { values: value as ArrayLike<unknown>, length };
}

/** A plain object of options, as opposed to an array or typed array (also under Object.prototype pollution). */
export function isOptionsObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** `length` new values, or a RangeError naming the function and what they are for. */
export function allocate(fn: string, what: string, length: number): Float64Array {
  try {
    return new Float64Array(length);
  } catch {
    throw fail(RangeError, fn)`cannot allocate the ${what}: ${length} values are more than this engine holds in one array`;
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = here;
    }
  }
  return row[b.length];
}
