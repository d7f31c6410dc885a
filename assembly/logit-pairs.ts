import {
  addToClass, addTotals, BLOCK, CLASS_WEIGHT_STRIDE, CLASS_WEIGHTS, flag, GAMMA, GAMMA_LANES, GRAD_F32, GRAD_SCALE,
  HAS_IGNORE, IGNORE_INDEX, LOSSES, param, PER_CLASS, pointer, POLY1, ROW_SCRATCH, SAMPLE_WEIGHTS, STAT_PREDICTED,
  STAT_PT, STATS, STATS_SLOTS, storeVectors, vector,
} from './frame';
import { inLogSpace, logOneMinus, powerPlan, PowRuntime, vIsFine } from './math/focus';
import {
  INFINITY as INFINITY_INDEX, lanes, MINUS_INFINITY as MINUS_INFINITY_INDEX, MINUS_ONE, MINUS_ONE_I64, ONE, ZERO,
} from './math/lanes';
import { vlogNormal } from './math/log';
import { vexpNonPositive } from './math/exp';
import { slopeWithPoly, vregroup, vscaled, vwithPoly } from './math/poly';
import { IGNORED, oneRow, validRow } from './logit-row';

// Two rows of logits.ts at a time, one per f64x2 lane, for rows of up to PAIRED_CLASSES
// classes: the same log-softmax, loss and gradient as oneRow, with each row's max, exp pass and
// per-row arithmetic run once for both.

/**
 * Rows i and i + 1 on the two lanes of every step. Both rows are read element by element
 * (z_c of row A and of row B make one pair); the masks that pick e^(z_t - m) compare a class
 * counter with the two labels. The odd row at the end of a block goes through oneRow.
 */
export function pairedRows(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize, f32: bool): i32 {
  const size: usize = f32 ? 4 : 8;
  const stride = <usize>classes * size;
  const hasIgnore = flag(frame, HAS_IGNORE);
  const ignore = <i32>param(frame, IGNORE_INDEX);
  const weights = pointer(frame, CLASS_WEIGHTS);
  const weightStride: usize = flag(frame, CLASS_WEIGHT_STRIDE) ? 8 : 0;
  const sampleWeights = pointer(frame, SAMPLE_WEIGHTS);
  const losses = pointer(frame, LOSSES);
  const perClass = pointer(frame, PER_CLASS);
  const gammaValue = param(frame, GAMMA);
  const plan = powerPlan(gammaValue);
  const gradF32 = flag(frame, GRAD_F32);
  const gradRowBytes = <usize>classes << (gradF32 ? 2 : 3);
  const gradScale = f64x2.splat(param(frame, GRAD_SCALE));
  const poly = param(frame, POLY1);
  // A gradient call keeps both rows' e^(z_j - m), interleaved, between their two passes.
  const exps = grad != 0 ? pointer(frame, ROW_SCRATCH) : 0;
  const stats = pointer(frame, STATS);
  storeVectors(frame, classes);
  let i = 0;
  while (i < n) {
    const end = min(i + BLOCK, n);
    let acc = lanes(ZERO);
    let weightAcc = lanes(ZERO);
    let counted = 0;
    for (; i + 2 <= end; i += 2) {
      const rowA = pred + <usize>i * stride;
      const rowB = rowA + stride;
      let la = load<i32>(labels + (<usize>i << 2));
      let lb = load<i32>(labels + (<usize>i << 2), 4);
      const ignoredA = hasIgnore && la == ignore;
      const ignoredB = hasIgnore && lb == ignore;
      if ((!ignoredA && <u32>la >= <u32>classes) || (!ignoredB && <u32>lb >= <u32>classes)) {
        return !ignoredA && (<u32>la >= <u32>classes || !(f32 ? validRow<f32>(rowA, classes) : validRow<f64>(rowA, classes))) ? i : i + 1;
      }
      // Ignored rows are computed on class 0 and dropped at the end.
      la = select(0, la, ignoredA);
      lb = select(0, lb, ignoredB);
      const none = i64x2.replace_lane(i64x2.splat(-(<i64>ignoredA)), 1, -(<i64>ignoredB));

      let m = lanes(MINUS_INFINITY_INDEX);
      let nan = lanes(ZERO);
      // The argmax, for the diagnostics: the first class above every earlier one.
      let top = lanes(ZERO);
      let at = lanes(ZERO);
      for (let c = 0; c < classes; c++) {
        const z = pairAt(rowA, rowB, <usize>c * size, f32);
        if (stats != 0) {
          top = v128.bitselect(at, top, f64x2.gt(z, m));
          at = f64x2.add(at, lanes(ONE));
        }
        m = f64x2.pmax(m, z);
        nan = v128.or(nan, f64x2.ne(z, z));
      }
      const invalid = v128.andnot(v128.or(nan, v128.not(v128.and(f64x2.lt(m, lanes(INFINITY_INDEX)), f64x2.gt(m, lanes(MINUS_INFINITY_INDEX))))), none);
      if (v128.any_true(invalid)) return i64x2.extract_lane(invalid, 0) != 0 ? i : i + 1;

      const targets = i64x2.replace_lane(i64x2.splat(<i64>la), 1, <i64>lb);
      let index = i64x2.splat(0);
      let rest = lanes(ZERO);
      let et = lanes(ZERO);
      for (let c = 0; c < classes; c++) {
        const e = vexpNonPositive(f64x2.sub(pairAt(rowA, rowB, <usize>c * size, f32), m));
        if (exps != 0) v128.store(exps + (<usize>c << 4), e);
        const target = i64x2.eq(index, targets);
        et = f64x2.add(et, v128.and(e, target));
        rest = f64x2.add(rest, v128.andnot(e, target));
        index = i64x2.sub(index, lanes(MINUS_ONE_I64));
      }
      // As in oneRow: ln total with the rounding error of et + rest.
      const total = f64x2.add(et, rest);
      const inverse = f64x2.div(lanes(ONE), total);
      const error = vsumError(et, rest, total);
      const logTotal = f64x2.add(vlogNormal(total), f64x2.mul(error, inverse));
      const zt = pairAt(rowA + <usize>la * size, rowB + <usize>lb * size, 0, f32);
      const logP = f64x2.sub(f64x2.sub(zt, m), logTotal);
      const q = f64x2.mul(rest, inverse);
      const pt = f64x2.mul(et, inverse);
      let logQ = lanes(ZERO);
      if (plan == 0) {
        logQ = f64x2.replace_lane(
          f64x2.splat(logOneMinus(f64x2.extract_lane(pt, 0), f64x2.extract_lane(q, 0))), 1,
          logOneMinus(f64x2.extract_lane(pt, 1), f64x2.extract_lane(q, 1)),
        );
      }
      const factor = changetype<PowRuntime>(0).apply(q, logQ, vector(frame, GAMMA_LANES), plan);
      const a = v128.load64_lane(weights + <usize>lb * weightStride, v128.load64_zero(weights + <usize>la * weightStride), 1);
      const w = sampleWeights != 0 ? v128.load(sampleWeights + (<usize>i << 3)) : lanes(ONE);
      const t = f64x2.mul(a, w);
      const product = f64x2.mul(t, factor);
      const negLogP = f64x2.sub(lanes(ZERO), logP);
      if (stats != 0) writePairStats(stats + ((<usize>i * STATS_SLOTS) << 3), v128.bitselect(lanes(MINUS_ONE), top, none), inverse, pt, negLogP);
      const dropped = v128.or(none, f64x2.eq(t, lanes(ZERO)));
      const rare = v128.andnot(v128.not(vIsFine(factor, product)), dropped);
      let loss = f64x2.mul(product, negLogP);
      if (v128.any_true(rare)) loss = rareLanes(loss, rare, negLogP, a, w, pt, q, gammaValue);
      loss = v128.andnot(loss, dropped);
      // Poly-1's term is 0 where w is; alpha does not weigh it.
      if (poly != 0) loss = vwithPoly(loss, poly, a, w, pt, q, negLogP, factor, gammaValue, v128.or(none, f64x2.eq(w, lanes(ZERO))));
      acc = f64x2.add(acc, loss);
      weightAcc = f64x2.add(weightAcc, v128.andnot(w, none));
      counted += 2 - <i32>ignoredA - <i32>ignoredB;
      if (losses != 0) v128.store(losses + (<usize>i << 3), loss);
      if (perClass != 0) {
        if (!ignoredA) addToClass(perClass, la, f64x2.extract_lane(loss, 0), f64x2.extract_lane(w, 0));
        if (!ignoredB) addToClass(perClass, lb, f64x2.extract_lane(loss, 1), f64x2.extract_lane(w, 1));
      }
      if (grad != 0) {
        const ratio = v128.bitselect(lanes(MINUS_ONE), f64x2.div(logP, q), f64x2.eq(q, lanes(ZERO)));
        // p_t ln p_t / q -> 0 as p_t -> 0 (a target logit of -Infinity).
        const focal = v128.andnot(f64x2.mul(f64x2.mul(vector(frame, GAMMA_LANES), pt), ratio), f64x2.eq(pt, lanes(ZERO)));
        const slope = f64x2.mul(gradScale, f64x2.sub(focal, lanes(ONE)));
        let s = f64x2.mul(product, slope);
        if (v128.any_true(rare)) s = rareLanes(s, rare, slope, a, w, pt, q, gammaValue);
        s = v128.andnot(s, dropped);
        if (poly != 0) s = polySlopes(s, frame, poly, a, w, pt, q, negLogP, factor, gammaValue, v128.or(none, f64x2.eq(w, lanes(ZERO))));
        writePairGradient(exps, classes, la, lb, f64x2.sub(lanes(ZERO), f64x2.mul(s, inverse)), f64x2.mul(s, q), grad + <usize>i * gradRowBytes, gradRowBytes, gradF32);
        if (ignoredA) memory.fill(grad + <usize>i * gradRowBytes, 0, gradRowBytes);
        if (ignoredB) memory.fill(grad + <usize>(i + 1) * gradRowBytes, 0, gradRowBytes);
      }
    }
    let block = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    let weightSum = f64x2.extract_lane(weightAcc, 0) + f64x2.extract_lane(weightAcc, 1);
    if (i < end) {
      const loss = f32 ? oneRow<f32>(frame, pred, labels, i, classes, grad) : oneRow<f64>(frame, pred, labels, i, classes, grad);
      if (isNaN(loss)) return i;
      if (loss != IGNORED) {
        block += loss;
        weightSum += sampleWeights != 0 ? load<f64>(sampleWeights + (<usize>i << 3)) : 1;
        counted++;
      }
      i++;
    }
    addTotals(frame, block, counted, weightSum);
  }
  return -1;
}

/**
 * The two rows' d loss / d ln p_t plus Poly-1's, -eps (gamma + 1) p_t w q^gamma, regrouped by
 * slopeWithPoly in a lane where the two cancel; 0 in the lanes of `off`.
 */
function polySlopes(
  s: v128, frame: usize, poly: f64, a: v128, w: v128, pt: v128, q: v128, negLogP: v128, factor: v128, gamma: f64, off: v128,
): v128 {
  const scale = param(frame, GRAD_SCALE);
  const term = vscaled(f64x2.mul(f64x2.splat(-scale * poly * (gamma + 1)), pt), w, pt, q, factor, gamma, off);
  let sum = f64x2.add(s, term);
  const again = v128.andnot(vregroup(s, term, sum, a, f64x2.splat(poly)), off);
  if (i64x2.extract_lane(again, 0) != 0) {
    sum = f64x2.replace_lane(sum, 0, slopeWithPoly(
      f64x2.extract_lane(s, 0), f64x2.extract_lane(term, 0), scale, f64x2.extract_lane(a, 0), poly, f64x2.extract_lane(w, 0),
      f64x2.extract_lane(pt, 0), f64x2.extract_lane(q, 0), f64x2.extract_lane(negLogP, 0), f64x2.extract_lane(factor, 0), gamma, true,
    ));
  }
  if (i64x2.extract_lane(again, 1) != 0) {
    sum = f64x2.replace_lane(sum, 1, slopeWithPoly(
      f64x2.extract_lane(s, 1), f64x2.extract_lane(term, 1), scale, f64x2.extract_lane(a, 1), poly, f64x2.extract_lane(w, 1),
      f64x2.extract_lane(pt, 1), f64x2.extract_lane(q, 1), f64x2.extract_lane(negLogP, 1), f64x2.extract_lane(factor, 1), gamma, true,
    ));
  }
  return sum;
}

/** Two rows' diagnostics (row A's in lane 0), STATS_SLOTS f64 per row from `at`: slots 0-1 and 2-3 are pairs. */
function writePairStats(at: usize, predicted: v128, confidence: v128, pt: v128, crossEntropy: v128): void {
  const b = at + (STATS_SLOTS << 3);
  v128.store(at, i64x2.shuffle(predicted, confidence, 0, 2), STAT_PREDICTED << 3);
  v128.store(at, i64x2.shuffle(pt, crossEntropy, 0, 2), STAT_PT << 3);
  v128.store(b, i64x2.shuffle(predicted, confidence, 1, 3), STAT_PREDICTED << 3);
  v128.store(b, i64x2.shuffle(pt, crossEntropy, 1, 3), STAT_PT << 3);
}

/** z at byte offset `at` of two rows of f32 or f64, widened to f64 (the branch is the same for a whole call). */
// @ts-ignore: decorator
@inline
function pairAt(rowA: usize, rowB: usize, at: usize, f32: bool): v128 {
  if (f32) return f64x2.promote_low_f32x4(v128.load32_lane(rowB + at, v128.load32_zero(rowA + at), 1));
  return v128.load64_lane(rowB + at, v128.load64_zero(rowA + at), 1);
}

/** The rounding error of s = a + b on two lanes (sumError). */
// @ts-ignore: decorator
@inline
function vsumError(a: v128, b: v128, s: v128): v128 {
  const aBigger = f64x2.ge(f64x2.abs(a), f64x2.abs(b));
  return v128.bitselect(f64x2.add(f64x2.sub(a, s), b), f64x2.add(f64x2.sub(b, s), a), aBigger);
}

/** m * alpha * w * q^gamma in log space in the lanes of `rare`. */
function rareLanes(value: v128, rare: v128, m: v128, a: v128, w: v128, pt: v128, q: v128, gamma: f64): v128 {
  if (i64x2.extract_lane(rare, 0) != 0) {
    value = f64x2.replace_lane(value, 0, inLogSpace(
      f64x2.extract_lane(m, 0), f64x2.extract_lane(a, 0), f64x2.extract_lane(w, 0), gamma,
      logOneMinus(f64x2.extract_lane(pt, 0), f64x2.extract_lane(q, 0)),
    ));
  }
  if (i64x2.extract_lane(rare, 1) != 0) {
    value = f64x2.replace_lane(value, 1, inLogSpace(
      f64x2.extract_lane(m, 1), f64x2.extract_lane(a, 1), f64x2.extract_lane(w, 1), gamma,
      logOneMinus(f64x2.extract_lane(pt, 1), f64x2.extract_lane(q, 1)),
    ));
  }
  return value;
}

/** Both rows' gradients from their interleaved exponentials: scale * e^(z_j - m), and `atLabel` at each label. */
function writePairGradient(
  exps: usize, classes: i32, la: i32, lb: i32, scale: v128, atLabel: v128, out: usize, rowBytes: usize, f32: bool,
): void {
  const outB = out + rowBytes;
  for (let c = 0; c < classes; c++) {
    const g = f64x2.mul(v128.load(exps + (<usize>c << 4)), scale);
    if (f32) {
      store<f32>(out + (<usize>c << 2), <f32>f64x2.extract_lane(g, 0));
      store<f32>(outB + (<usize>c << 2), <f32>f64x2.extract_lane(g, 1));
    } else {
      store<f64>(out + (<usize>c << 3), f64x2.extract_lane(g, 0));
      store<f64>(outB + (<usize>c << 3), f64x2.extract_lane(g, 1));
    }
  }
  if (f32) {
    store<f32>(out + (<usize>la << 2), <f32>f64x2.extract_lane(atLabel, 0));
    store<f32>(outB + (<usize>lb << 2), <f32>f64x2.extract_lane(atLabel, 1));
  } else {
    store<f64>(out + (<usize>la << 3), f64x2.extract_lane(atLabel, 0));
    store<f64>(outB + (<usize>lb << 3), f64x2.extract_lane(atLabel, 1));
  }
}
