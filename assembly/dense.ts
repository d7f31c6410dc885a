import { clippedLog, clippedOneMinus } from './clip';
import { focus, powerPlan } from './focus';
import { pairwiseSum } from './summation';

// Target distributions (one-hot, soft, or smoothed labels): every class with a non-zero
// target contributes -alpha_c * y_c * (1 - p_c)^gamma * ln p_c, so whole rows are read.

/**
 * Row losses for n rows of `classes` probabilities (f64) and targets (f64). Clipping as in
 * probabilityLoss; class weights at weights + c * weightStride. Writes out[i], returns the sum.
 */
export function denseProbabilityLoss(
  rows: usize, targets: usize, n: i32, classes: i32, weights: usize, weightStride: i32, gamma: f64, eps: f64,
  out: usize,
): f64 {
  const plan = powerPlan(gamma);
  const logHigh = Math.log1p(-eps);
  for (let i = 0; i < n; i++) {
    const base = <usize>i * <usize>classes;
    let total: f64 = 0;
    for (let c = 0; c < classes; c++) {
      const y = load<f64>(targets + ((base + c) << 3));
      const a = load<f64>(weights + <usize>(c * weightStride));
      if (y == 0 || a == 0) continue;
      const x = load<f64>(rows + ((base + c) << 3));
      total += a * y * focus(clippedOneMinus(x, eps), gamma, plan) * (0 - clippedLog(x, eps, logHigh));
    }
    store<f64>(out + (<usize>i << 3), total);
  }
  return pairwiseSum(out, n);
}

let badRow: i32 = -1;

/** The row that made the last denseLogitLoss call return NaN. */
export function invalidDenseRow(): i32 {
  return badRow;
}

/**
 * Row losses from logits (f64 rows) against target rows, through one stable log-softmax per
 * row: with m the max and r = sum of exp(x_j - m) over all j but the argmax, ln p_c =
 * (x_c - m) - log1p(r) and 1 - p_c = -expm1(ln p_c), both accurate even as p_c -> 1.
 * Returns the sum, or NaN (see invalidDenseRow) for a row with NaN, +Inf or no finite logit.
 */
export function denseLogitLoss(
  rows: usize, targets: usize, n: i32, classes: i32, weights: usize, weightStride: i32, gamma: f64, out: usize,
): f64 {
  const plan = powerPlan(gamma);
  for (let i = 0; i < n; i++) {
    const row = rows + ((<usize>i * <usize>classes) << 3);
    const target = targets + ((<usize>i * <usize>classes) << 3);
    let m: f64 = -Infinity;
    let top = 0;
    for (let c = 0; c < classes; c++) {
      const x = load<f64>(row + (<usize>c << 3));
      if (!(x <= m)) {
        m = x;
        top = c;
      }
    }
    if (!(m < Infinity && m > -Infinity)) {
      badRow = i;
      return NaN;
    }
    let rest: f64 = 0;
    for (let c = 0; c < classes; c++) {
      if (c != top) rest += Math.exp(load<f64>(row + (<usize>c << 3)) - m);
    }
    const logTotal = Math.log1p(rest);
    let total: f64 = 0;
    for (let c = 0; c < classes; c++) {
      const y = load<f64>(target + (<usize>c << 3));
      const a = load<f64>(weights + <usize>(c * weightStride));
      if (y == 0 || a == 0) continue;
      const logP = load<f64>(row + (<usize>c << 3)) - m - logTotal;
      total += a * y * focus(-Math.expm1(logP), gamma, plan) * (0 - logP);
    }
    store<f64>(out + (<usize>i << 3), total);
  }
  return pairwiseSum(out, n);
}
