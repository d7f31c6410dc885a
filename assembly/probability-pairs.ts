import {
  addToClass, BLOCK, CLASS_WEIGHT_STRIDE, CLASS_WEIGHTS, EPSILON, EPSILON_LANES, flag, GAMMA, GAMMA_LANES, GRAD_F32,
  GRAD_SCALE, HAS_IGNORE, IGNORE_INDEX, LOG_EPSILON_LANES, LOG_ONE_MINUS_EPSILON_LANES, LOSSES, param, PER_CLASS,
  pointer, POLY1, POLY1_LANES, PRED_F32, SAMPLE_WEIGHTS, storeVectors, vector,
} from './frame';
import { vclippedLogOneMinus } from './math/clip';
import { inLogSpace, powerPlan, PowRuntime, vIsFine } from './math/focus';
import {
  INFINITY, lanes, MINUS_INFINITY, MINUS_ONE, ONE, SIXTY_FOUR, SMALLEST_NORMAL as SMALLEST_NORMAL_LANES, ZERO,
} from './math/lanes';
import { vlog, vlogNormal } from './math/log';
import { vregroup, vregroups, vscaled } from './math/poly';
import { addBlock, firstInvalid, oneSample, rowBytes, sampleGradient, sampleLoss } from './probability-sample';

// Two samples of probabilities.ts at a time, one per f64x2 lane: their p_t and alpha_t, their
// losses and gradients, and the general loop. A lane that needs care (a product that is not
// a normal number, a Poly-1 sum that lost bits) is formed on its own by probability-sample.ts,
// with the same operations in the same order.
//
// The general loop shares this file with the pair arithmetic because the functions they share
// take v128 values, which an exported function may not (AS112), unless it is inlined.

export const SMALLEST_NORMAL: f64 = 2.2250738585072014e-308;

/** p_t of two rows; `at` are byte offsets of the entries (0 in gathered mode). */
// @ts-ignore: decorator
@inline
export function loadPair(rowA: usize, atA: usize, rowB: usize, atB: usize, f32: bool): v128 {
  if (f32) {
    return f64x2.promote_low_f32x4(v128.load32_lane(rowB + atB, v128.load32_zero(rowA + atA), 1));
  }
  return v128.load64_lane(rowB + atB, v128.load64_zero(rowA + atA), 1);
}

// @ts-ignore: decorator
@inline
export function loadWeightPair(weights: usize, stride: usize, l0: i32, l1: i32): v128 {
  return v128.load64_lane(weights + <usize>l1 * stride, v128.load64_zero(weights + <usize>l0 * stride), 1);
}

/** All ones in the lanes whose label is the ignore index. */
// @ts-ignore: decorator
@inline
function ignoredPair(ig0: bool, ig1: bool): v128 {
  return i64x2.replace_lane(i64x2.splat(-(<i64>ig0)), 1, -(<i64>ig1));
}

/**
 * The weighted losses of two samples, (alpha * w * (1 - p)^gamma) * -ln p, 0 in ignored lanes
 * and where alpha * w is 0 (never 0 * Inf). Lanes where the factor or the product is not a
 * normal number are formed again in log space (isFine, inLogSpace). With Poly-1, see polyPair.
 */
// @ts-ignore: decorator
@inline
export function pairLoss<Power>(
  power: Power, poly: bool, p: v128, a: v128, w: v128, none: v128, frame: usize, plan: i32, fullDomain: bool, weighted: bool,
): v128 {
  const eps = vector(frame, EPSILON_LANES);
  // clippedOneMinus's semantics with one select: clip p up to eps, then 1 - p up to eps
  // (for p clipped up, 1 - eps rounds to the same f64 as clippedOneMinus's 1 - eps).
  const x = f64x2.pmax(p, eps);
  const d = f64x2.sub(lanes(ONE), x);
  const high = f64x2.lt(d, eps);
  const q = f64x2.pmax(d, eps);
  const logP = v128.bitselect(vector(frame, LOG_ONE_MINUS_EPSILON_LANES), fullDomain ? vlog(x) : vlogNormal(x), high);
  let logQ = lanes(ZERO);
  if (power.general && plan == 0) logQ = vlogOneMinus(x, q, high, vector(frame, LOG_EPSILON_LANES), fullDomain);
  const gamma = vector(frame, GAMMA_LANES);
  const factor = power.apply(q, logQ, gamma, plan);
  // Without sample weights w is 1: a * 1 is a, and a product of a finite a and a factor <= 1
  // cannot overflow, so the normality test needs one comparison.
  const t = weighted ? f64x2.mul(a, w) : a;
  const product = f64x2.mul(t, factor);
  const negLogP = f64x2.sub(lanes(ZERO), logP);
  let loss = f64x2.mul(product, negLogP);
  const fine = weighted ? vIsFine(factor, product) : f64x2.ge(f64x2.pmin(factor, product), lanes(SMALLEST_NORMAL_LANES));
  if (poly) return polyPair(frame, loss, fine, p, a, w, none, q, factor, weighted);
  const dropped = v128.or(none, f64x2.eq(t, lanes(ZERO)));
  const rare = v128.andnot(v128.not(fine), dropped);
  if (v128.any_true(rare)) loss = rareLanes(loss, rare, negLogP, a, w, x, q, gamma);
  return v128.andnot(loss, dropped);
}

/**
 * pairLoss with Poly-1: the focal losses plus eps w q^(gamma + 1), 0 in ignored lanes and where
 * w is 0. A lane where alpha is 0, either term is not a normal product or the two are to be
 * regrouped (math/poly.ts, regroup) is formed again on its own (sampleLoss).
 */
// @ts-ignore: decorator
@inline
function polyPair(
  frame: usize, focal: v128, fine: v128, p: v128, a: v128, w: v128, none: v128, q: v128, factor: v128, weighted: bool,
): v128 {
  const fq = f64x2.mul(factor, q);
  const term = f64x2.mul(vector(frame, POLY1_LANES), weighted ? f64x2.mul(w, fq) : fq);
  const sum = f64x2.add(focal, term);
  const size = f64x2.abs(term);
  let ok = v128.and(fine, f64x2.ge(size, lanes(SMALLEST_NORMAL_LANES)));
  if (weighted) ok = v128.and(ok, f64x2.lt(size, lanes(INFINITY)));
  const dropped = weighted ? v128.or(none, f64x2.eq(w, lanes(ZERO))) : none;
  // Suspects: a product that is not normal, or a sum that lost bits (the focal loss is >= 0);
  // lanesAlone picks those that regrouping helps out of the latter, off the common path.
  const lost = f64x2.lt(f64x2.mul(f64x2.abs(sum), lanes(SIXTY_FOUR)), f64x2.add(focal, size));
  const suspect = v128.andnot(v128.or(v128.not(ok), lost), dropped);
  let loss = sum;
  // Without sample weights the loops pass alpha for w, which the arithmetic above never read.
  if (v128.any_true(suspect)) loss = lanesAlone(loss, suspect, ok, frame, p, a, weighted ? w : lanes(ONE));
  return v128.andnot(loss, dropped);
}

/** The lanes of `suspect` that are not `ok` or that regrouping helps, formed one at a time by sampleLoss. */
function lanesAlone(value: v128, suspect: v128, ok: v128, frame: usize, p: v128, a: v128, w: v128): v128 {
  const again = v128.and(suspect, v128.or(v128.not(ok), vregroups(a, vector(frame, POLY1_LANES))));
  if (i64x2.extract_lane(again, 0) != 0) {
    value = f64x2.replace_lane(value, 0, sampleLoss(frame, f64x2.extract_lane(p, 0), f64x2.extract_lane(a, 0), f64x2.extract_lane(w, 0)));
  }
  if (i64x2.extract_lane(again, 1) != 0) {
    value = f64x2.replace_lane(value, 1, sampleLoss(frame, f64x2.extract_lane(p, 1), f64x2.extract_lane(a, 1), f64x2.extract_lane(w, 1)));
  }
  return value;
}

/** ln(1 - p) of the clipped lanes: ln(eps) where clipped down, -Infinity where q = 0 (eps = 0, p = 1). */
// @ts-ignore: decorator
@inline
function vlogOneMinus(x: v128, q: v128, high: v128, logEps: v128, fullDomain: bool): v128 {
  const logQ = vclippedLogOneMinus(fullDomain ? vlog(q) : vlogNormal(q), x, q, high, logEps);
  return v128.bitselect(lanes(MINUS_INFINITY), logQ, f64x2.eq(q, lanes(ZERO)));
}

/** m * alpha * w * q^gamma in log space in the lanes of `rare`, with ln q as clippedLogOneMinus gives it. */
function rareLanes(value: v128, rare: v128, m: v128, a: v128, w: v128, x: v128, q: v128, gamma: v128): v128 {
  const g = f64x2.extract_lane(gamma, 0);
  if (i64x2.extract_lane(rare, 0) != 0) {
    value = f64x2.replace_lane(value, 0, inLogSpace(
      f64x2.extract_lane(m, 0), f64x2.extract_lane(a, 0), f64x2.extract_lane(w, 0), g,
      logOneMinusClipped(f64x2.extract_lane(x, 0), f64x2.extract_lane(q, 0)),
    ));
  }
  if (i64x2.extract_lane(rare, 1) != 0) {
    value = f64x2.replace_lane(value, 1, inLogSpace(
      f64x2.extract_lane(m, 1), f64x2.extract_lane(a, 1), f64x2.extract_lane(w, 1), g,
      logOneMinusClipped(f64x2.extract_lane(x, 1), f64x2.extract_lane(q, 1)),
    ));
  }
  return value;
}

/** ln q for a clipped p (x) and q: q is exact where it is below 0.5. */
// @ts-ignore: decorator
@inline
function logOneMinusClipped(x: f64, q: f64): f64 {
  return q < 0.5 ? Math.log(q) : Math.log1p(-x);
}

/** Everything the plain loop does, plus sample weights, per-sample losses, per-class sums and the gradient. */
export function generalLoop(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize, gathered: bool): i32 {
  const f32 = flag(frame, PRED_F32);
  const stride = rowBytes(classes, gathered, f32);
  let i = 0;
  let row = pred;
  if (ASC_FEATURE_SIMD) {
    const power = changetype<PowRuntime>(0);
    const shift: usize = f32 ? 2 : 3;
    const pick: usize = gathered ? 0 : <usize>-1;
    const uClasses = <u32>classes;
    const ignore = <i32>param(frame, IGNORE_INDEX);
    const hasIgnore = flag(frame, HAS_IGNORE);
    const weights = pointer(frame, CLASS_WEIGHTS);
    const weightStride: usize = flag(frame, CLASS_WEIGHT_STRIDE) ? 8 : 0;
    const sampleWeights = pointer(frame, SAMPLE_WEIGHTS);
    const losses = pointer(frame, LOSSES);
    const perClass = pointer(frame, PER_CLASS);
    const plan = powerPlan(param(frame, GAMMA));
    const fullDomain = param(frame, EPSILON) < SMALLEST_NORMAL;
    const poly = param(frame, POLY1) != 0;
    storeVectors(frame, classes);
    while (i < n) {
      const blockStart = i;
      const end = min(i + BLOCK, n);
      let acc = lanes(ZERO);
      let weightAcc = lanes(ZERO);
      let ok = i64x2.splat(-1);
      let counted = 0;
      for (; i + 2 <= end; i += 2) {
        const at = labels + (<usize>i << 2);
        let l0 = load<i32>(at);
        let l1 = load<i32>(at, 4);
        const ig0 = hasIgnore && l0 == ignore;
        const ig1 = hasIgnore && l1 == ignore;
        if (((<u32>l0 >= uClasses) & !ig0) | ((<u32>l1 >= uClasses) & !ig1)) {
          return firstInvalid(frame, pred, labels, blockStart, n, classes, gathered);
        }
        l0 = select(0, l0, ig0);
        l1 = select(0, l1, ig1);
        counted += 2 - <i32>ig0 - <i32>ig1;
        const p = loadPair(row, (<usize>l0 << shift) & pick, row + stride, (<usize>l1 << shift) & pick, f32);
        const none = ignoredPair(ig0, ig1);
        ok = v128.and(ok, v128.or(none, v128.and(f64x2.ge(p, lanes(ZERO)), f64x2.le(p, lanes(ONE)))));
        const w = sampleWeights != 0 ? v128.load(sampleWeights + (<usize>i << 3)) : lanes(ONE);
        weightAcc = f64x2.add(weightAcc, v128.andnot(w, none));
        const a = loadWeightPair(weights, weightStride, l0, l1);
        const loss = pairLoss<PowRuntime>(power, poly, p, a, w, none, frame, plan, fullDomain, true);
        acc = f64x2.add(acc, loss);
        if (losses != 0) v128.store(losses + (<usize>i << 3), loss);
        if (perClass != 0) {
          if (!ig0) addToClass(perClass, l0, f64x2.extract_lane(loss, 0), f64x2.extract_lane(w, 0));
          if (!ig1) addToClass(perClass, l1, f64x2.extract_lane(loss, 1), f64x2.extract_lane(w, 1));
        }
        if (grad != 0) {
          const g = pairGradient(p, a, w, none, plan, fullDomain, frame, poly);
          storeGradients(frame, grad, i, classes, gathered, l0, l1, g);
        }
        row += 2 * stride;
      }
      if (!i64x2.all_true(ok)) return firstInvalid(frame, pred, labels, blockStart, n, classes, gathered);
      let block = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      let weightSum = f64x2.extract_lane(weightAcc, 0) + f64x2.extract_lane(weightAcc, 1);
      for (; i < end; i++) {
        const loss = oneSample(frame, row, labels, i, classes, grad, gathered);
        if (isNaN(loss)) return i;
        if (!(hasIgnore && load<i32>(labels + (<usize>i << 2)) == ignore)) {
          counted++;
          weightSum += sampleWeights != 0 ? load<f64>(sampleWeights + (<usize>i << 3)) : 1;
        }
        block += loss;
        row += stride;
      }
      addBlock(frame, block, counted, weightSum);
    }
    return -1;
  }
  // The scalar build: one sample at a time, in blocks summed as above.
  const hasIgnore = flag(frame, HAS_IGNORE);
  const ignore = <i32>param(frame, IGNORE_INDEX);
  const sampleWeights = pointer(frame, SAMPLE_WEIGHTS);
  while (i < n) {
    const end = min(i + BLOCK, n);
    let block: f64 = 0;
    let weightSum: f64 = 0;
    let counted = 0;
    for (; i < end; i++) {
      const loss = oneSample(frame, row, labels, i, classes, grad, gathered);
      if (isNaN(loss)) return i;
      if (!(hasIgnore && load<i32>(labels + (<usize>i << 2)) == ignore)) {
        counted++;
        weightSum += sampleWeights != 0 ? load<f64>(sampleWeights + (<usize>i << 3)) : 1;
      }
      block += loss;
      row += stride;
    }
    addBlock(frame, block, counted, weightSum);
  }
  return -1;
}

/**
 * d loss / d p of two samples, scaled by GRAD_SCALE:
 *   alpha * w * (1 - p)^gamma * (gamma * ln p / (1 - p) - 1 / p)  [- eps (gamma + 1) w (1 - p)^gamma],
 * written so that it stays finite as p -> 1 for every gamma (ln p / (1 - p) -> -1); 0 where
 * the clip is active, in ignored lanes and where alpha * w (with Poly-1: w) is 0.
 */
function pairGradient(p: v128, a: v128, w: v128, none: v128, plan: i32, fullDomain: bool, frame: usize, poly: bool): v128 {
  const one = lanes(ONE);
  const zero = lanes(ZERO);
  const eps = vector(frame, EPSILON_LANES);
  const gamma = vector(frame, GAMMA_LANES);
  const q = f64x2.sub(one, p);
  const clipped = v128.or(f64x2.lt(p, eps), f64x2.lt(q, eps));
  const x = v128.bitselect(one, p, clipped);
  const logP = fullDomain ? vlog(x) : vlogNormal(x);
  const logQ = plan == 0 ? vlogOneMinus(p, q, zero, zero, true) : zero;
  const factor = changetype<PowRuntime>(0).apply(q, logQ, gamma, plan);
  const t = f64x2.mul(a, w);
  const product = f64x2.mul(t, factor);
  const scale = f64x2.splat(param(frame, GRAD_SCALE));
  const inverse = f64x2.div(one, p);
  let slope = f64x2.sub(zero, inverse);
  if (f64x2.extract_lane(gamma, 0) != 0) {
    const ratio = v128.bitselect(lanes(MINUS_ONE), f64x2.div(logP, q), f64x2.eq(q, zero));
    slope = f64x2.sub(f64x2.mul(gamma, ratio), inverse);
  }
  slope = f64x2.mul(scale, slope);
  let g = f64x2.mul(product, slope);
  const dropped = v128.or(v128.or(none, clipped), f64x2.eq(t, zero));
  const rare = v128.andnot(v128.not(vIsFine(factor, product)), dropped);
  if (v128.any_true(rare)) g = rareLanes(g, rare, slope, a, w, p, q, gamma);
  g = v128.andnot(g, dropped);
  if (!poly) return g;
  // d/dp of eps w q^(gamma + 1); where the two derivatives cancel, sampleGradient regroups them.
  const g0 = f64x2.extract_lane(gamma, 0);
  const m = f64x2.splat(-param(frame, GRAD_SCALE) * param(frame, POLY1) * (g0 + 1));
  const off = v128.or(v128.or(none, clipped), f64x2.eq(w, zero));
  const term = vscaled(m, w, p, q, factor, g0, off);
  let sum = f64x2.add(g, term);
  const again = v128.andnot(vregroup(g, term, sum, a, f64x2.splat(param(frame, POLY1))), off);
  if (i64x2.extract_lane(again, 0) != 0) {
    sum = f64x2.replace_lane(sum, 0, sampleGradient(frame, f64x2.extract_lane(p, 0), f64x2.extract_lane(a, 0), f64x2.extract_lane(w, 0)));
  }
  if (i64x2.extract_lane(again, 1) != 0) {
    sum = f64x2.replace_lane(sum, 1, sampleGradient(frame, f64x2.extract_lane(p, 1), f64x2.extract_lane(a, 1), f64x2.extract_lane(w, 1)));
  }
  return sum;
}

/** Writes two samples' gradients: whole rows of zeros with d loss / d p_t at the label, or one value each (gathered). */
function storeGradients(frame: usize, grad: usize, i: i32, classes: i32, gathered: bool, l0: i32, l1: i32, g: v128): void {
  const f32 = flag(frame, GRAD_F32);
  const size: usize = f32 ? 4 : 8;
  const rowSize: usize = gathered ? size : <usize>classes * size;
  const base = grad + <usize>i * rowSize;
  if (!gathered) memory.fill(base, 0, 2 * rowSize);
  const at0 = base + (gathered ? 0 : <usize>l0 * size);
  const at1 = base + rowSize + (gathered ? 0 : <usize>l1 * size);
  if (f32) {
    store<f32>(at0, <f32>f64x2.extract_lane(g, 0));
    store<f32>(at1, <f32>f64x2.extract_lane(g, 1));
  } else {
    store<f64>(at0, f64x2.extract_lane(g, 0));
    store<f64>(at1, f64x2.extract_lane(g, 1));
  }
}
