import { fail } from '../errors/detail.js';
import { show } from '../errors/show.js';

// Numbers as an accumulator state writes them: JSON has no Infinity or NaN, so those are
// strings; and a compensated sum, checked when a state is read back.

/** A number in JSON: non-finite ones are written as the strings "Infinity", "-Infinity", "NaN". */
export type JsonNumber = number | 'Infinity' | '-Infinity' | 'NaN';

export const json = (x: number): JsonNumber => (Number.isFinite(x) ? x : (String(x) as JsonNumber));
export const number = (x: JsonNumber): number => (typeof x === 'number' ? x : Number(x));

export const isJsonNumber = (v: unknown): v is JsonNumber =>
  typeof v === 'number' || v === 'Infinity' || v === '-Infinity' || v === 'NaN';

/**
 * A compensated sum: a non-negative sum (losses and weights are >= 0), and a carry (the
 * rounding errors of adding non-negative terms) no larger than the sum, unless the sum is infinite.
 */
export function checkSum(fn: string, field: string, pair: unknown): void {
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every(isJsonNumber)) {
    throw fail(TypeError, fn)`state.${field} = ${show(pair)} must be a [sum, carry] pair of numbers`;
  }
  const [sum, carry] = pair.map(number);
  if (!(sum >= 0)) throw fail(RangeError, fn)`state.${field} = ${show(pair[0])} must be a sum >= 0`;
  if (Number.isFinite(sum) && !(Math.abs(carry) <= sum)) {
    throw fail(RangeError, fn)`state.${field} carry = ${show(pair[1])} must be finite and no larger than the sum ${show(pair[0])}`;
  }
}
