import { entry, fail } from '../errors/detail.js';
import type { Values } from '../kernels/frame.js';
import { allocate } from '../options/read.js';

/** The caller's gradOut, checked, or a fresh Float64Array. */
export function gradientOutput(fn: string, gradOut: Values | undefined, length: number, yPred: unknown): Values {
  if (gradOut === undefined) return allocate(fn, 'gradient (one value per entry of yPred)', length);
  if (gradOut.length !== length) {
    throw fail(RangeError, fn)`${entry('gradOut')} has ${gradOut.length} values but ${entry('yPred')} has ${length}`;
  }
  if (ArrayBuffer.isView(yPred) && yPred.buffer === gradOut.buffer &&
    gradOut.byteOffset < yPred.byteOffset + yPred.byteLength && yPred.byteOffset < gradOut.byteOffset + gradOut.byteLength) {
    throw fail(RangeError, fn)`${entry('gradOut')} must not share memory with ${entry('yPred')}`;
  }
  return gradOut;
}
