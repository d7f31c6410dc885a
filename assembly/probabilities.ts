import { clippedLog, clippedOneMinus } from './clip';
import { focus, Pow0, Pow05, Pow1, Pow15, Pow2, Pow25, PowAny, powerPlan } from './focus';
import { pairwiseSum } from './summation';
import { vlog } from './vector-math';

/**
 * Focal loss of n gathered target probabilities p[i] with labels[i] (a class index, or -1
 * for an ignored sample, which contributes 0). Writes each loss to out[i] and returns
 * their pairwise sum. Probabilities are clipped to [eps, 1 - eps]; 1 - p is clipped
 * directly and ln(1 - eps) comes from log1p, so p near 1 keeps its digits.
 * The class weight of label c is at weights + c * weightStride (stride 0: one weight for all).
 */
export function probabilityLoss(
  p: usize, labels: usize, n: i32, weights: usize, weightStride: i32, gamma: f64, eps: f64, out: usize,
): f64 {
  if (gamma == 2) probabilityLoop<Pow2>(p, labels, n, weights, weightStride, gamma, eps, out);
  else if (gamma == 0) probabilityLoop<Pow0>(p, labels, n, weights, weightStride, gamma, eps, out);
  else if (gamma == 1) probabilityLoop<Pow1>(p, labels, n, weights, weightStride, gamma, eps, out);
  else if (gamma == 0.5) probabilityLoop<Pow05>(p, labels, n, weights, weightStride, gamma, eps, out);
  else if (gamma == 1.5) probabilityLoop<Pow15>(p, labels, n, weights, weightStride, gamma, eps, out);
  else if (gamma == 2.5) probabilityLoop<Pow25>(p, labels, n, weights, weightStride, gamma, eps, out);
  else probabilityLoop<PowAny>(p, labels, n, weights, weightStride, gamma, eps, out);
  return pairwiseSum(out, n);
}

function probabilityLoop<Power>(
  p: usize, labels: usize, n: i32, weights: usize, weightStride: i32, gamma: f64, eps: f64, out: usize,
): void {
  const plan = powerPlan(gamma);
  const logHigh = Math.log1p(-eps);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vEps = f64x2.splat(eps);
    const vOneMinusEps = f64x2.splat(1 - eps);
    const vLogHigh = f64x2.splat(logHigh);
    const one = f64x2.splat(1);
    const zero = f64x2.splat(0);
    const vGamma = f64x2.splat(gamma);
    const power = changetype<Power>(0);
    for (; i + 2 <= n; i += 2) {
      let x: v128 = v128.load(p + (<usize>i << 3));
      const l0 = load<i32>(labels + (<usize>i << 2));
      const l1 = load<i32>(labels + (<usize>i << 2), 4);
      const ignored = i64x2.lt_s(i64x2.extend_low_i32x4_s(v128.load64_zero(labels + (<usize>i << 2))), zero);
      const a = f64x2.replace_lane(
        f64x2.splat(load<f64>(weights + <usize>(l0 * weightStride))),
        1,
        load<f64>(weights + <usize>(l1 * weightStride)),
      );
      let q = f64x2.sub(one, x);
      const high = f64x2.lt(q, vEps);
      const low = f64x2.lt(x, vEps);
      x = v128.bitselect(vEps, x, low);
      q = v128.bitselect(vOneMinusEps, q, low);
      q = v128.bitselect(vEps, q, high);
      const logP = v128.bitselect(vLogHigh, vlog(x), high);
      const loss = f64x2.mul(f64x2.mul(a, power.apply(q, vGamma)), f64x2.sub(zero, logP));
      // Ignored samples and zero weights give 0, never 0 * Inf = NaN.
      const none = v128.or(ignored, f64x2.eq(a, zero));
      v128.store(out + (<usize>i << 3), v128.andnot(loss, none));
    }
  }
  for (; i < n; i++) {
    const label = load<i32>(labels + (<usize>i << 2));
    const a = label < 0 ? 0 : load<f64>(weights + <usize>(label * weightStride));
    const x = load<f64>(p + (<usize>i << 3));
    const loss = a * focus(clippedOneMinus(x, eps), gamma, plan) * (0 - clippedLog(x, eps, logHigh));
    store<f64>(out + (<usize>i << 3), a == 0 ? 0 : loss);
  }
}
