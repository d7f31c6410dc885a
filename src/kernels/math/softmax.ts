import { sumError } from './sum.js';

// Row maxima and sums of exponentials, as in assembly/math/softmax.ts.

/** The row's largest value; NaN if any value is NaN. */
export function rowMax(row: ArrayLike<number>, start: number, classes: number): number {
  let m = -Infinity;
  for (let c = start; c < start + classes; c++) {
    const v = row[c];
    if (v !== v) return NaN;
    if (v > m) m = v;
  }
  return m;
}

const EXP_BLOCK = 512;

/**
 * The sum over the row of e^(z_c - m), without entry `skip`: blocks summed plainly, added
 * with Neumaier's compensation, so rows of millions of classes keep full accuracy.
 */
export function expSumExcept(row: ArrayLike<number>, start: number, classes: number, skip: number, m: number): number {
  let total = 0;
  let carry = 0;
  for (let c = 0; c < classes; ) {
    const end = Math.min(c + EXP_BLOCK, classes);
    let block = 0;
    for (; c < end; c++) if (c !== skip) block += Math.exp(row[start + c] - m);
    const t = total + block;
    carry += sumError(total, block, t);
    total = t;
  }
  return total + carry;
}
