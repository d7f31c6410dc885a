import { describe, notANumber, show } from '../errors.js';

// Reading user options: own enumerable properties only (an inherited Object.prototype.reduction
// changes nothing), each read exactly once (a getter cannot hand the check one value and the
// computation another), and `undefined` treated as absent.

/** The options object's own properties, with unknown keys rejected and undefined values dropped. */
export function ownOptions(fn: string, value: unknown, known: readonly string[], what = 'options'): Record<string, unknown> {
  const read: Record<string, unknown> = Object.create(null);
  if (value === undefined) return read;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new TypeError(`${fn}: ${what} must be an object, got ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const near = known.find((k) => editDistance(k, key) <= 2);
      throw new TypeError(`${fn}: unknown option ${show(key)}${near ? ` (did you mean ${show(near)}?)` : ''}`);
    }
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) read[key] = v;
  }
  return read;
}

export function numberIn(fn: string, name: string, value: unknown, ok: (v: number) => boolean, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${fn}: ${name} must be a number, got ${describe(value)}`);
  if (!ok(value)) throw new RangeError(`${fn}: ${name} must be ${what}, got ${show(value)}`);
  return value;
}

export function oneOf<T extends string>(fn: string, name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new TypeError(`${fn}: ${name} must be a string, got ${describe(value)}`);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new RangeError(`${fn}: ${name} must be one of ${allowed.map((a) => show(a)).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

export function booleanOr(fn: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${fn}: ${name} must be a boolean, got ${describe(value)}`);
  return value;
}

export const finiteNonNegative = (v: number): boolean => v >= 0 && v < Infinity;

export function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as ArrayLike<unknown>).length === 'number';
}

/** An array-like's length, which must be a safe integer >= 0 (a `{length: -1}` is not an array). */
export function lengthOf(fn: string, name: string, value: ArrayLike<unknown>): number {
  const n = value.length;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${fn}: ${name}.length = ${show(n)} is not a valid length (a safe integer >= 0)`);
  }
  return n;
}

/** Per-class or per-element numbers, copied once with every element checked. */
export function numbers(fn: string, name: string, value: unknown, ok: (v: number) => boolean, what: string): Float64Array {
  if (!isArrayLike(value) || value instanceof BigInt64Array || value instanceof BigUint64Array) {
    throw new TypeError(`${fn}: ${name} must be a number or an array of numbers, got ${describe(value)}`);
  }
  const copy = new Float64Array(lengthOf(fn, name, value));
  for (let i = 0; i < copy.length; i++) {
    const v = value[i];
    if (typeof v !== 'number') throw notANumber(fn, `${name}[${i}]`, v);
    if (!ok(v)) throw new RangeError(`${fn}: ${name}[${i}] = ${show(v)} must be ${what}`);
    copy[i] = v;
  }
  return copy;
}

/** An array-like of per-sample values, read later chunk by chunk. */
export function arrayOption(fn: string, name: string, value: unknown, what: string): ArrayLike<unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isArrayLike(value) || value instanceof BigInt64Array || value instanceof BigUint64Array) {
    throw new TypeError(`${fn}: ${name} must be ${what}, got ${describe(value)}`);
  }
  lengthOf(fn, name, value);
  return value;
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
