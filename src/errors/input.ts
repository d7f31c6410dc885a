import { advice, entry, fail, option, sample, shapeAside, words, type EntryRef } from './detail.js';
import { describe, show } from './show.js';

// Error builders for the entries of yTrue, yPred and sampleWeight, kept out of the hot loops:
// those only test a condition and call one of these. Every message starts with the
// function's name and names the entry and the value as it was given.

export function notANumber(fn: string, at: EntryRef, value: unknown): TypeError {
  return fail(TypeError, fn)`${at} = ${show(value)} is not a number`;
}

/**
 * A label that is not a class index (or the ignore index); `shape` describes the batch's N × C.
 * `int64`: it comes from a BigInt64Array or BigUint64Array, whose BigInts are class indices.
 */
export function labelError(
  fn: string, at: EntryRef, label: unknown, classes: number, ignoreIndex: number | undefined, shape = '', int64 = false,
): Error {
  if (label === undefined) return fail(TypeError, fn)`${at} is missing (undefined): every sample needs a label`;
  if (typeof label !== 'number' && !(typeof label === 'bigint' && int64)) return notANumber(fn, at, label);
  const ignore = ignoreIndex === undefined ? [] : words` (or the ${option('ignoreIndex')} ${ignoreIndex})`;
  // -100 is PyTorch's and kornia's ignore_index, 255 segmentation's "void": the option they mean.
  const value = Number(label);
  const ignoreHint = ignoreIndex === undefined && (value === -100 || value === 255)
    ? words`; to skip samples labelled ${value}, pass ${option('ignoreIndex', value)}`
    : [];
  const hint = classes === 1 ? words`; ${advice('oneClass')}` : ignoreHint;
  return fail(RangeError, fn)`${at} = ${show(label)} is not a class index: expected an integer in [0, ${classes})${ignore}${shapeAside(shape)}${hint}`;
}

/** The location of an entry is the whole message's subject: e.g. yPred[3][1], or yPred[7] (sample 3, class 1). */
export function probabilityError(fn: string, at: EntryRef, value: unknown): Error {
  if (typeof value !== 'number') return notANumber(fn, at, value);
  if (Number.isNaN(value)) return fail(RangeError, fn)`${at} = ${show(value)} is not a probability in [0, 1]`;
  return fail(RangeError, fn)`${at} = ${show(value)} is not a probability in [0, 1]; ${advice('logits')}`;
}

/** A target outside [0, 1] (one-hot, soft or binary targets). */
export function targetError(fn: string, at: EntryRef, value: unknown): Error {
  if (typeof value !== 'number') return notANumber(fn, at, value);
  return fail(RangeError, fn)`${at} = ${show(value)} is not a target in [0, 1]`;
}

/** The first entry of logit row i that is NaN or +Infinity, or the row (`row`) when all are -Infinity. */
export function logitError(fn: string, i: number, values: ArrayLike<unknown>, at: (c: number) => EntryRef, row: EntryRef): Error {
  for (let c = 0; c < values.length; c++) {
    const v = values[c];
    if (typeof v !== 'number') return notANumber(fn, at(c), v);
    if (Number.isNaN(v) || v === Infinity) return fail(RangeError, fn)`${at(c)} = ${show(v)} is not a valid logit (${sample(i)})`;
  }
  return fail(RangeError, fn)`${row} has no finite logit: every entry of ${sample(i)}'s row is -Infinity`;
}

/** A row that is not an array of `classes` values. */
export function rowError(fn: string, argument: string, i: number, row: unknown, classes: number, shape: string): Error {
  const length = typeof row === 'object' && row !== null ? (row as { length?: unknown }).length : undefined;
  if (typeof length !== 'number') {
    return fail(TypeError, fn)`${entry(argument, { sample: i })} must be a row of ${classes} numbers, got ${describe(row)}`;
  }
  return fail(RangeError, fn)`ragged ${entry(argument)}: row ${i} has length ${length}, expected ${classes}${shapeAside(shape)}`;
}

/**
 * A typed array whose buffer was detached (transferred to a worker, or a view of wasm memory
 * that grew since it was taken) reads as empty: a TypeError that says so, or null.
 */
export function detachedError(fn: string, name: string, value: unknown): TypeError | null {
  if (!ArrayBuffer.isView(value) || value.byteLength !== 0 || value.buffer.byteLength !== 0) return null;
  try {
    // Node 20 has no ArrayBuffer.prototype.detached; a view of a detached buffer cannot be made.
    new Uint8Array(value.buffer);
    return null;
  } catch {
    return fail(TypeError, fn)`${entry(name)} is a view of a detached ArrayBuffer (transferred, or of wasm memory that grew after the view was taken): take the view again just before the call (a workspace's getters give a fresh one)`;
  }
}
