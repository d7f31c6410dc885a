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

/** The sum over the row of e^(z_c - m), without entry `skip`. */
export function expSumExcept(row: ArrayLike<number>, start: number, classes: number, skip: number, m: number): number {
  let total = 0;
  for (let c = 0; c < classes; c++) if (c !== skip) total += Math.exp(row[start + c] - m);
  return total;
}
