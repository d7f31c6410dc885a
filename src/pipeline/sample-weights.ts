import { notANumber, show } from '../errors.js';
import type { ArrayOption } from '../options/read.js';

/** One weight per sample, or a RangeError (checked before any row is read). */
export function checkWeightCount(fn: string, sampleWeight: ArrayOption | undefined, n: number): void {
  if (sampleWeight !== undefined && sampleWeight.length !== n) {
    throw new RangeError(`${fn}: sampleWeight has ${sampleWeight.length} weights but the batch has ${n} samples`);
  }
}

/** Copies the weights of rows [start, start + m) into the frame's buffer, each checked. */
export function copySampleWeights(fn: string, weights: ArrayLike<unknown>, start: number, m: number, into: Float64Array): void {
  for (let j = 0; j < m; j++) {
    const w = weights[start + j];
    if (typeof w !== 'number') throw notANumber(fn, `sampleWeight[${start + j}]`, w);
    if (!(w >= 0 && w < Infinity)) throw new RangeError(`${fn}: sampleWeight[${start + j}] = ${show(w)} must be finite and >= 0`);
    into[j] = w;
  }
}
