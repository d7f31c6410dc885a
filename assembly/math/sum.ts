/**
 * The rounding error of s = a + b (Neumaier's variant of Kahan's compensation): adding these
 * up beside the sum keeps long sums exact to a few ulp.
 */
// @ts-ignore: decorator
@inline
export function sumError(a: f64, b: f64, s: f64): f64 {
  return abs(a) >= abs(b) ? a - s + b : b - s + a;
}
