/**
 * The rounding error of s = a + b (Neumaier's variant of Kahan's compensation): adding these
 * up beside the sum keeps long sums exact to a few ulp.
 */
export function sumError(a: number, b: number, s: number): number {
  return Math.abs(a) >= Math.abs(b) ? a - s + b : b - s + a;
}
