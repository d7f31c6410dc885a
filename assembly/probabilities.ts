import { focus, powerPlan, vfocus } from './focus';
import { pairwiseSum } from './summation';
import { vlog } from './vector-math';

/**
 * Focal loss of n gathered target probabilities p[i] with labels[i] (a class index, or -1
 * for an ignored sample, which contributes 0). Writes each loss to out[i] and returns
 * their pairwise sum. Probabilities are clipped to [eps, 1 - eps]; 1 - p is clipped
 * directly and ln(1 - eps) comes from log1p, so p near 1 keeps its digits.
 * alpha is a per-class weight table, or 0 to weigh every class by alphaScalar.
 */
export function probabilityLoss(
  p: usize,
  labels: usize,
  n: i32,
  alpha: usize,
  alphaScalar: f64,
  gamma: f64,
  eps: f64,
  out: usize,
): f64 {
  const plan = powerPlan(gamma);
  const logHigh = Math.log1p(-eps);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vEps = f64x2.splat(eps);
    const vOneMinusEps = f64x2.splat(1 - eps);
    const vLogHigh = f64x2.splat(logHigh);
    const zero = f64x2.splat(0);
    for (; i + 2 <= n; i += 2) {
      let x: v128 = v128.load(p + (<usize>i << 3));
      const l0 = load<i32>(labels + (<usize>i << 2));
      const l1 = load<i32>(labels + (<usize>i << 2), 4);
      let a = f64x2.replace_lane(f64x2.splat(weight(alpha, alphaScalar, l0)), 1, weight(alpha, alphaScalar, l1));
      let q = f64x2.sub(f64x2.splat(1), x);
      const high = f64x2.lt(q, vEps);
      const low = f64x2.lt(x, vEps);
      x = v128.bitselect(vEps, x, low);
      q = v128.bitselect(vOneMinusEps, q, low);
      q = v128.bitselect(vEps, q, high);
      const logP = v128.bitselect(vLogHigh, vlog(x), high);
      const loss = f64x2.mul(f64x2.mul(a, vfocus(q, gamma, plan)), f64x2.sub(zero, logP));
      // A zero weight means "not counted": keep 0 * Inf from turning into NaN.
      v128.store(out + (<usize>i << 3), v128.bitselect(zero, loss, f64x2.eq(a, zero)));
    }
  }
  for (; i < n; i++) {
    const a = weight(alpha, alphaScalar, load<i32>(labels + (<usize>i << 2)));
    let x = load<f64>(p + (<usize>i << 3));
    let q = 1 - x;
    let logP: f64;
    if (q < eps) {
      q = eps;
      logP = logHigh;
    } else {
      if (x < eps) {
        x = eps;
        q = 1 - eps;
      }
      logP = Math.log(x);
    }
    store<f64>(out + (<usize>i << 3), a == 0 ? 0 : a * focus(q, gamma, plan) * (0 - logP));
  }
  return pairwiseSum(out, n);
}

// @ts-ignore: decorator
@inline
export function weight(alpha: usize, alphaScalar: f64, label: i32): f64 {
  if (label < 0) return 0;
  return alpha ? load<f64>(alpha + (<usize>label << 3)) : alphaScalar;
}
