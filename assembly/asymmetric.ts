import { elementRows, storeSlope } from './elements';
import {
  addCompensated, BLOCK, COUNT, EPSILON, flag, FROM_LOGITS, GAMMA, GAMMA_NEG, GRAD_F32, GRAD_SCALE, LOG_EPSILON,
  LOG_ONE_MINUS_EPSILON, LOSSES, MARGIN, param, PER_CLASS, pointer, SAMPLE_WEIGHTS, SUM, WEIGHT_SUM,
} from './frame';
import { clippedLog, clippedLogOneMinus, clippedOneMinus, clippedProbability } from './math/clip';
import { vexpNonPositive } from './math/exp';
import { focus, inLogSpace, isFine, powerPlan, PowRuntime } from './math/focus';
import { INFINITY, lanes, ONE, SMALLEST_NORMAL as SMALLEST_NORMAL_LANES, ZERO } from './math/lanes';
import { vlogNormal } from './math/log';

// Asymmetric loss (Ridnik et al., ICCV 2021) over n rows of K elements: predictions x
// (probabilities, or logits when FROM_LOGITS) against targets y in [0, 1], per element, with
// p = sigmoid(x) (or x), margin m and p_m = max(p - m, 0),
//   w * ( y (1 - p)^gamma+ * -ln p  +  (1 - y) p_m^gamma- * -ln(1 - p_m) ).
// Where p <= m (m > 0) the negative term and its derivative are exactly 0; m = 0 is the
// binary focal loss's negative term, derivative at p = 0 included. Logits stay in log space:
// ln p = -softplus(-x), 1 - p = sigmoid(-x), and ln(1 - p_m) is log1p(-p_m), or ln(q + m) once
// p_m >= 1/2, where 1 - p_m = q + m has no cancellation; so |x| up to 1000 and beyond needs no
// clamp. Probabilities are clipped to [eps, 1 - eps] first, 1 - p directly, as for binaryFocalLoss.
//
// Derivatives, with q = 1 - p, L = -ln(1 - p_m) and r = L / p_m (-> 1 as p_m -> 0):
//   d/dp = y q^gamma+ (gamma+ ln p / q - 1/p) + (1 - y) p_m^gamma- (gamma- r + 1 / (q + m)),
//   d/dx = y q^gamma+ (gamma+ p ln p - q) + (1 - y) p_m^gamma- p (gamma- r q + q / (q + m)),
// with q / (q + m) = 1 for m = 0. Gradients are 0 where the clip is active.
//
// Logits with gammas that multiply out (integers and halves up to 16, the defaults 0 and 4
// among them) run two elements at a time on f64x2 lanes (pairedElements); a lane the vector
// arithmetic cannot settle (an infinite logit, a power or product that is not a normal
// number) is formed again by element(), which every other case runs in elements.ts' loop.

export function asymmetricLoss(frame: usize, pred: usize, target: usize, n: i32, classes: i32): i32 {
  if (ASC_FEATURE_SIMD && paired(frame)) return pairedElements(frame, pred, target, n, classes, 0);
  return elementRows<Asymmetric>(frame, pred, target, n, classes, 0);
}

export function asymmetricLossGrad(frame: usize, pred: usize, target: usize, n: i32, classes: i32, grad: usize): i32 {
  if (ASC_FEATURE_SIMD && paired(frame)) return pairedElements(frame, pred, target, n, classes, grad);
  return elementRows<Asymmetric>(frame, pred, target, n, classes, grad);
}

const SMALLEST_NORMAL: f64 = 2.2250738585072014e-308;

/** Whether pairedElements applies: logits, gammas it multiplies out, a margin of 0 or a normal number, no per-column sums. */
function paired(frame: usize): bool {
  const margin = param(frame, MARGIN);
  return flag(frame, FROM_LOGITS) && powerPlan(param(frame, GAMMA)) != 0 && powerPlan(param(frame, GAMMA_NEG)) != 0 &&
    (margin == 0 || margin >= SMALLEST_NORMAL) && pointer(frame, PER_CLASS) == 0;
}

/** elementRows for logits, two elements at a time; the odd last one and rare lanes go through element(). */
function pairedElements(frame: usize, pred: usize, target: usize, n: i32, classes: i32, grad: usize): i32 {
  const total = <usize>n * <usize>classes;
  const sampleWeights = pointer(frame, SAMPLE_WEIGHTS);
  const losses = pointer(frame, LOSSES);
  const gradF32 = flag(frame, GRAD_F32);
  const planPos = powerPlan(param(frame, GAMMA));
  const planNeg = powerPlan(param(frame, GAMMA_NEG));
  const margin = param(frame, MARGIN);
  // Row and column of element e.
  let i = 0;
  let k = 0;
  let e: usize = 0;
  while (e < total) {
    const end = min(e + <usize>BLOCK, total);
    let acc = lanes(ZERO);
    for (; e + 2 <= end; e += 2) {
      const next = k + 1 < classes ? i : i + 1;
      const x = v128.load(pred + (e << 3));
      const y = v128.load(target + (e << 3));
      const valid = v128.and(f64x2.eq(x, x), v128.and(f64x2.ge(y, lanes(ZERO)), f64x2.le(y, lanes(ONE))));
      if (!i64x2.all_true(valid)) return i64x2.extract_lane(valid, 0) == 0 ? i : next;
      let w = lanes(ONE);
      if (sampleWeights != 0) {
        w = v128.load64_lane(sampleWeights + (<usize>next << 3), v128.load64_zero(sampleWeights + (<usize>i << 3)), 1);
      }
      const zero = lanes(ZERO);
      const one = lanes(ONE);
      // sigmoid(|x|) = 1 / (1 + e), sigmoid(-|x|) = e / (1 + e) with e = exp(-|x|), and
      // softplus(-|x|) = ln(1 + e) with the rounding of 1 + e taken back (one division for all).
      const magnitude = f64x2.abs(x);
      const ex = vexpNonPositive(f64x2.neg(magnitude));
      const u = f64x2.add(one, ex);
      const r = f64x2.div(one, u);
      // With a margin, two targets of 0 (most pairs of a multi-label batch) read neither ln p
      // (the positive term is 0) nor ln q (L comes from 1 - p_m): their log is skipped, the
      // finite stand-in below being multiplied by 0.
      const logs = margin == 0 || v128.any_true(f64x2.ne(y, zero));
      const tail = logs ? f64x2.sub(vlogNormal(u), f64x2.mul(f64x2.sub(f64x2.sub(u, one), ex), r)) : zero;
      const positive = f64x2.ge(x, zero);
      const small = f64x2.mul(ex, r);
      const p = v128.bitselect(r, small, positive);
      const q = v128.bitselect(small, r, positive);
      const logP = f64x2.neg(f64x2.add(f64x2.pmax(f64x2.neg(x), zero), tail));
      const logQ = f64x2.neg(f64x2.add(f64x2.pmax(x, zero), tail));
      // y w q^gamma+ -ln p.
      const factorPos = changetype<PowRuntime>(0).apply(q, zero, f64x2.splat(param(frame, GAMMA)), planPos);
      const productPos = f64x2.mul(f64x2.mul(y, w), factorPos);
      let loss = f64x2.mul(productPos, f64x2.neg(logP));
      // (1 - y) w p_m^gamma- L, L = -ln(1 - p_m): -ln q, or the log of 1 - p_m (or q + m from 1/2 on)
      // with its rounding taken back (1 / u ~ 2 - u is close enough for a correction of an ulp).
      let pm = p;
      let big = f64x2.neg(logQ);
      let active = f64x2.eq(zero, zero);
      if (margin != 0) {
        const m = f64x2.splat(margin);
        pm = f64x2.sub(p, m);
        active = f64x2.gt(pm, zero);
        const v = v128.bitselect(f64x2.sub(one, pm), f64x2.add(q, m), f64x2.lt(pm, f64x2.splat(0.5)));
        const rounding = f64x2.mul(f64x2.add(f64x2.sub(v, one), pm), f64x2.add(f64x2.sub(one, v), one));
        big = f64x2.neg(f64x2.sub(vlogNormal(v), rounding));
      }
      const factorNeg = changetype<PowRuntime>(0).apply(f64x2.pmax(pm, zero), zero, f64x2.splat(param(frame, GAMMA_NEG)), planNeg);
      const productNeg = f64x2.mul(f64x2.mul(f64x2.sub(one, y), w), factorNeg);
      loss = f64x2.add(loss, v128.and(f64x2.mul(productNeg, big), active));
      // Lanes element() forms again: an infinite logit, a term whose power or product is not normal.
      const normal = lanes(SMALLEST_NORMAL_LANES);
      const rarePos = v128.andnot(f64x2.gt(y, zero), f64x2.ge(f64x2.pmin(factorPos, productPos), normal));
      const rareNeg = v128.andnot(v128.and(f64x2.lt(y, one), active), f64x2.ge(f64x2.pmin(f64x2.pmin(factorNeg, productNeg), pm), normal));
      const rare = v128.andnot(v128.or(v128.or(rarePos, rareNeg), v128.not(f64x2.lt(magnitude, lanes(INFINITY)))), f64x2.eq(w, zero));
      if (grad != 0) {
        // d/dx: y w q^gamma+ (gamma+ p ln p - q) + (1 - y) w p_m^gamma- p q (gamma- L (q + m) + p_m) / (p_m (q + m)),
        // the last factor gamma- L q + p for m = 0.
        const slopePos = f64x2.sub(f64x2.mul(f64x2.mul(f64x2.splat(param(frame, GAMMA)), p), logP), q);
        const gammaNeg = f64x2.splat(param(frame, GAMMA_NEG));
        let slopeNeg = f64x2.add(f64x2.mul(f64x2.mul(gammaNeg, big), q), p);
        if (margin != 0) {
          const qm = f64x2.add(q, f64x2.splat(margin));
          const top = f64x2.mul(f64x2.mul(p, q), f64x2.add(f64x2.mul(f64x2.mul(gammaNeg, big), qm), pm));
          slopeNeg = f64x2.div(top, f64x2.mul(pm, qm));
        }
        const slope = f64x2.mul(f64x2.splat(param(frame, GRAD_SCALE)), f64x2.add(
          f64x2.mul(productPos, slopePos), v128.and(f64x2.mul(productNeg, slopeNeg), active),
        ));
        if (gradF32) v128.store64_lane(grad + (e << 2), f32x4.demote_f64x2_zero(slope), 0);
        else v128.store(grad + (e << 3), slope);
      }
      if (v128.any_true(rare)) loss = rareLanes(loss, rare, frame, pred, target, e, w, grad, gradF32);
      if (losses != 0) v128.store(losses + (e << 3), loss);
      acc = f64x2.add(acc, loss);
      k += 2;
      while (k >= classes) {
        k -= classes;
        i++;
      }
    }
    let block = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (e < end) {
      const w = sampleWeights != 0 ? load<f64>(sampleWeights + (<usize>i << 3)) : 1;
      const gradAt: usize = grad == 0 ? 0 : grad + (e << (gradF32 ? 2 : 3));
      const loss = element(frame, load<f64>(pred + (e << 3)), load<f64>(target + (e << 3)), w, gradAt, gradF32);
      if (isNaN(loss)) return i;
      if (losses != 0) store<f64>(losses + (e << 3), loss);
      block += loss;
      e++;
    }
    addCompensated(frame + (<usize>SUM << 3), block);
  }
  let weightSum: f64 = <f64>n;
  if (sampleWeights != 0) {
    weightSum = 0;
    for (let r = 0; r < n; r++) weightSum += load<f64>(sampleWeights + (<usize>r << 3));
  }
  store<f64>(frame + (<usize>COUNT << 3), param(frame, COUNT) + <f64>total);
  addCompensated(frame + (<usize>WEIGHT_SUM << 3), weightSum * <f64>classes);
  return -1;
}

/** Elements e and e + 1 of `rare` formed by element(), which writes their gradients too. */
function rareLanes(loss: v128, rare: v128, frame: usize, pred: usize, target: usize, e: usize, w: v128, grad: usize, gradF32: bool): v128 {
  const size: usize = gradF32 ? 4 : 8;
  if (i64x2.extract_lane(rare, 0) != 0) {
    const gradAt: usize = grad == 0 ? 0 : grad + e * size;
    const value = element(frame, load<f64>(pred + (e << 3)), load<f64>(target + (e << 3)), f64x2.extract_lane(w, 0), gradAt, gradF32);
    loss = f64x2.replace_lane(loss, 0, value);
  }
  if (i64x2.extract_lane(rare, 1) != 0) {
    const gradAt: usize = grad == 0 ? 0 : grad + (e + 1) * size;
    const value = element(frame, load<f64>(pred + (e << 3), 8), load<f64>(target + (e << 3), 8), f64x2.extract_lane(w, 1), gradAt, gradF32);
    loss = f64x2.replace_lane(loss, 1, value);
  }
  return loss;
}

/** The asymmetric loss's element (elementRows). */
class Asymmetric {
  // @ts-ignore: decorator
  @inline element(frame: usize, x: f64, y: f64, w: f64, gradAt: usize, gradF32: bool): f64 {
    return element(frame, x, y, w, gradAt, gradF32);
  }
}

/**
 * One element's weighted loss, or NaN when x or y is invalid; its derivative, scaled by
 * GRAD_SCALE, goes to gradAt unless that is 0.
 */
function element(frame: usize, x: f64, y: f64, w: f64, gradAt: usize, gradF32: bool): f64 {
  const logits = flag(frame, FROM_LOGITS);
  if (logits ? x != x : !(x >= 0 && x <= 1)) return NaN;
  if (!(y >= 0 && y <= 1)) return NaN;
  const eps = param(frame, EPSILON);
  let logP: f64;
  let logQ: f64;
  let p: f64;
  let q: f64;
  if (logits) {
    const tail = Math.log1p(Math.exp(-Math.abs(x)));
    logP = -(max(-x, 0) + tail);
    logQ = -(max(x, 0) + tail);
    p = Math.exp(logP);
    q = Math.exp(logQ);
  } else {
    const logHigh = param(frame, LOG_ONE_MINUS_EPSILON);
    p = clippedProbability(x, eps);
    q = clippedOneMinus(x, eps);
    logP = clippedLog(x, eps, logHigh);
    logQ = clippedLogOneMinus(x, eps, param(frame, LOG_EPSILON), logHigh);
  }
  const withGrad = gradAt != 0;
  const moves = logits || !(x < eps || 1 - x < eps);
  const scale = param(frame, GRAD_SCALE);
  let loss: f64 = 0;
  let slope: f64 = 0;
  if (y > 0 && w != 0) {
    // y w q^gamma+ -ln p.
    const gamma = param(frame, GAMMA);
    const factor = focus(q, logQ, gamma, powerPlan(gamma));
    const product = y * w * factor;
    const fine = isFine(factor, product);
    loss = fine ? product * -logP : inLogSpace(-logP, y, w, gamma, logQ);
    if (withGrad && moves) {
      // p ln p -> 0 as p -> 0; ln p / q -> -1 as q -> 0.
      const s = scale * (logits ? (p == 0 ? 0 : gamma * p * logP) - q : (gamma == 0 ? 0 : gamma * (q == 0 ? -1 : logP / q)) - 1 / p);
      slope = fine ? product * s : inLogSpace(s, y, w, gamma, logQ);
    }
  }
  const margin = param(frame, MARGIN);
  const pm = p - margin;
  if (y < 1 && w != 0 && (pm > 0 || margin == 0)) {
    // (1 - y) w p_m^gamma- L, L = -ln(1 - p_m) = -ln(q + m).
    const gamma = param(frame, GAMMA_NEG);
    const logPm = margin == 0 ? logP : Math.log(pm);
    const big = margin == 0 ? -logQ : pm < 0.5 ? -Math.log1p(-pm) : -Math.log(q + margin);
    const factor = focus(pm, logPm, gamma, powerPlan(gamma));
    const product = (1 - y) * w * factor;
    const fine = isFine(factor, product);
    loss += fine ? product * big : inLogSpace(big, 1 - y, w, gamma, logPm);
    if (withGrad && moves) {
      const r = gamma == 0 ? 0 : gamma * (pm > 0 ? big / pm : 1);
      const s = scale * (logits ? p * (r * q + (margin == 0 ? 1 : q / (q + margin))) : r + 1 / (q + margin));
      slope += fine ? product * s : inLogSpace(s, 1 - y, w, gamma, logPm);
    }
  }
  storeSlope(gradAt, slope, gradF32);
  return loss;
}
