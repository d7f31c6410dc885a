import { entry, fail, type EntryRef } from '../errors/detail.js';
import { detachedError } from '../errors/input.js';
import type { Values } from '../kernels/frame.js';
import type { CommonSettings } from '../options/common.js';
import { allocate } from '../options/read.js';
import type { Batch } from '../shape.js';

/**
 * The caller's gradOut, checked, or a fresh Float64Array. A gradOut that shares memory with
 * an input is refused before anything runs: the gradient is written chunk by chunk (and
 * twice, for a Float32 gradOut whose scale is known only at the end), so it would overwrite
 * rows, labels or weights that are still to be read.
 */
export function gradientOutput(s: CommonSettings, batch: Batch): Values {
  const { fn, gradOut } = s;
  const length = batch.n * batch.classes;
  if (gradOut === undefined) return allocate(fn, 'gradient (one value per entry of yPred)', length);
  if (gradOut.length !== length) {
    throw detachedError(fn, 'gradOut', gradOut) ??
      fail(RangeError, fn)`${entry('gradOut')} has ${gradOut.length} values but ${entry(batch.predName)} has ${length}`;
  }
  const shared = sharedInput(gradOut, batch, s.sampleWeight?.values);
  if (shared !== null) {
    throw fail(RangeError, fn)`${entry('gradOut')} shares memory with ${shared}, which the gradient would overwrite before it is read; pass a gradOut of its own`;
  }
  return gradOut;
}

/** The first input (or row of one) whose bytes overlap gradOut's, or null. */
function sharedInput(grad: Values, batch: Batch, weights: ArrayLike<unknown> | undefined): EntryRef | null {
  const overlaps = (v: unknown): boolean =>
    ArrayBuffer.isView(v) && v.buffer === grad.buffer &&
    v.byteOffset < grad.byteOffset + grad.byteLength && grad.byteOffset < v.byteOffset + v.byteLength;
  const within = (argument: string, values: ArrayLike<unknown>, rows: boolean): EntryRef | null => {
    if (!rows) return overlaps(values) ? entry(argument) : null;
    // Rows are walked when the first one lies in gradOut's buffer (rows cut from one buffer):
    // reading every row's buffer costs about as much as copying the row, so rows of other
    // memory are not walked.
    const first = values[0];
    if (!(ArrayBuffer.isView(first) && first.buffer === grad.buffer)) return null;
    for (let i = 0; i < batch.n; i++) if (overlaps(values[i])) return entry(argument, { sample: i });
    return null;
  };
  return within(batch.predName, batch.yPred, batch.predRows) ??
    within(batch.trueName, batch.yTrue, batch.trueRows) ??
    (overlaps(weights) ? entry('sampleWeight') : null);
}
