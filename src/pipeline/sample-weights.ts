import { entry, fail } from '../errors/detail.js';
import { notANumber } from '../errors/input.js';
import { show } from '../errors/show.js';
import type { ArrayOption } from '../options/read.js';

/** A call's sample weights, read chunk by chunk, multiplied by 2^exponent as they are copied; `repeat` samples share each weight. */
export interface SampleWeights {
  readonly fn: string;
  readonly values: ArrayLike<unknown>;
  readonly exponent: number;
  readonly repeat: number;
}

/**
 * How many samples share each weight: 1 for one weight per sample; for a map, the pixels of
 * an image when there is one weight per image (`images` of them). Anything else is a
 * RangeError (checked before any row is read).
 */
export function weightRepeat(fn: string, sampleWeight: ArrayOption | undefined, n: number, images: number): number {
  if (sampleWeight === undefined || sampleWeight.length === n) return 1;
  if (sampleWeight.length === images && images > 0) return n / images;
  const perImage = images !== n ? `, or one per image (${images})` : '';
  throw fail(RangeError, fn)`${entry('sampleWeight')} has ${sampleWeight.length} weights but the batch has ${n} samples: pass one per sample${perImage}`;
}

/**
 * The power of two, 2^e, that brings the largest weight into [1, 2). A weighted mean does not
 * depend on the weights' scale, but its sums do: weights near 1e308 overflow Σw, and
 * subnormal ones lose the products w·loss; scaled, neither happens. (The one-shot call
 * scales for 'weightedMean' only; accumulators keep their sums in units of 2^-e.) Each weight
 * is checked here. 0 when every weight is 0.
 */
export function weightExponent(fn: string, weights: ArrayOption): number {
  let max = 0;
  for (let i = 0; i < weights.length; i++) max = Math.max(max, checked(fn, weights.values[i], i));
  return max === 0 ? 0 : -Math.floor(Math.log2(max));
}

/** x · 2^e, exactly where the result is normal: 2^e for |e| up to 2098 is not a double, two halves are. */
export function scaleBy(x: number, e: number): number {
  const half = Math.trunc(e / 2);
  return x * 2 ** half * 2 ** (e - half);
}

/** Copies the weights of rows [start, start + m) into the frame's buffer, each checked and scaled. */
export function copySampleWeights(weights: SampleWeights, start: number, m: number, into: Float64Array): void {
  const { fn, values, exponent, repeat } = weights;
  if (repeat === 1) for (let j = 0; j < m; j++) into[j] = scaleBy(checked(fn, values[start + j], start + j), exponent);
  else for (let j = 0; j < m; j++) into[j] = weightOf(weights, start + j);
}

/** Sample i's weight, checked and scaled. */
function weightOf(weights: SampleWeights, i: number): number {
  const k = Math.floor(i / weights.repeat);
  return scaleBy(checked(weights.fn, weights.values[k], k), weights.exponent);
}

function checked(fn: string, w: unknown, i: number): number {
  if (typeof w !== 'number') throw notANumber(fn, entry('sampleWeight', { sample: i }), w);
  if (!(w >= 0 && w < Infinity)) throw fail(RangeError, fn)`${entry('sampleWeight', { sample: i })} = ${show(w)} must be finite and >= 0`;
  return w;
}
