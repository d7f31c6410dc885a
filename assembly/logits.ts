import {
  addToClass, addTotals, BLOCK, CLASS_WEIGHT_STRIDE, CLASS_WEIGHTS, flag, GAMMA, GAMMA_LANES, GRAD_F32, GRAD_SCALE,
  HAS_IGNORE, IGNORE_INDEX, LOSSES, param, PER_CLASS, pointer, PRED_F32, ROW_SCRATCH, SAMPLE_WEIGHTS, STAT_CONFIDENCE,
  STAT_CROSS_ENTROPY, STAT_PREDICTED, STAT_PT, STATS, STATS_SLOTS, storeVectors, vector,
} from './frame';
import { focus, inLogSpace, isFine, logOneMinus, powerPlan, PowRuntime, vIsFine } from './math/focus';
import {
  INFINITY as INFINITY_INDEX, lanes, MINUS_INFINITY as MINUS_INFINITY_INDEX, MINUS_ONE, MINUS_ONE_I64, ONE, ZERO,
} from './math/lanes';
import { vlogNormal } from './math/log';
import { vexpNonPositive } from './math/exp';
import { EXP_BLOCK, loadPair, rowMax } from './math/softmax';
import { sumError } from './math/sum';

// Class-index targets with logits: each row goes through one stable log-softmax,
//   m = max_j z_j,  rest = sum over j != t of e^(z_j - m),  total = e^(z_t - m) + rest,
//   ln p_t = z_t - m - ln total,  q = 1 - p_t = rest / total,
//   loss = alpha_t * w * q^gamma * -ln p_t.
// q is the off-target mass itself, never 1 - p_t, so it keeps its digits as p_t -> 1, and
// the gradient
//   d loss / d z_j = alpha_t w q^gamma (gamma p_t ln p_t / q - 1) (delta_tj - p_j)
// stays finite and exact for every gamma >= 0: ln p_t / q -> -1, and delta_tt - p_t is q.
// ln total carries the rounding error of et + rest, so where z_t is the max (et = 1) it is
// log1p(rest) to full accuracy however small rest is.
//
// An accumulator's diagnostics (frame slot STATS) take each row's argmax, its probability
// 1 / total (e^(z_argmax - m) = 1), p_t and -ln p_t: what the loss computes anyway, and the
// argmax from the pass that finds m (the lowest index on ties), so no second pass over the row.
//
// Narrow rows go two at a time, one per lane: the max, the exp pass and all of the per-row
// arithmetic then run once for both (rows of 10 would fill f64x2 lanes poorly one at a time,
// and their per-row work would be scalar). Wider rows go one at a time, in pairs of classes.

/** Rows up to this many classes go two at a time. */
const PAIRED_CLASSES = 32;

export function logitLoss(frame: usize, pred: usize, labels: usize, n: i32, classes: i32): i32 {
  return logits(frame, pred, labels, n, classes, 0);
}

export function logitLossGrad(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize): i32 {
  return logits(frame, pred, labels, n, classes, grad);
}

/** Returns -1, or the first row with an invalid label, a NaN or +Inf logit, or no finite logit. */
function logits(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize): i32 {
  const f32 = flag(frame, PRED_F32);
  if (ASC_FEATURE_SIMD && classes <= PAIRED_CLASSES) {
    return pairedRows(frame, pred, labels, n, classes, grad, f32);
  }
  return f32 ? singleRows<f32>(frame, pred, labels, n, classes, grad) : singleRows<f64>(frame, pred, labels, n, classes, grad);
}

// oneRow's verdicts besides a loss, which is >= 0.
const INVALID: f64 = -1;
const IGNORED: f64 = -2;

function singleRows<T>(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize): i32 {
  const sampleWeights = pointer(frame, SAMPLE_WEIGHTS);
  let i = 0;
  while (i < n) {
    const end = min(i + BLOCK, n);
    let block: f64 = 0;
    let weightSum: f64 = 0;
    let counted = 0;
    for (; i < end; i++) {
      const loss = oneRow<T>(frame, pred, labels, i, classes, grad);
      if (loss == INVALID) return i;
      if (loss == IGNORED) continue;
      block += loss;
      weightSum += sampleWeights != 0 ? load<f64>(sampleWeights + (<usize>i << 3)) : 1;
      counted++;
    }
    addTotals(frame, block, counted, weightSum);
  }
  return -1;
}

/**
 * Row i on its own: its weighted loss (with its per-sample loss, class sums and gradient row
 * written where the frame asks for them), INVALID, or IGNORED.
 */
function oneRow<T>(frame: usize, pred: usize, labels: usize, i: i32, classes: i32, grad: usize): f64 {
  const stride = <usize>classes << alignof<T>();
  const weights = pointer(frame, CLASS_WEIGHTS);
  const weightStride: usize = flag(frame, CLASS_WEIGHT_STRIDE) ? 8 : 0;
  const sampleWeights = pointer(frame, SAMPLE_WEIGHTS);
  const losses = pointer(frame, LOSSES);
  const perClass = pointer(frame, PER_CLASS);
  const gamma = param(frame, GAMMA);
  const plan = powerPlan(gamma);
  const gradF32 = flag(frame, GRAD_F32);
  const gradRowBytes = <usize>classes << (gradF32 ? 2 : 3);
  const gradScale = param(frame, GRAD_SCALE);
  // A gradient call keeps the row's e^(z_j - m) here between its two passes.
  const exps = grad != 0 ? pointer(frame, ROW_SCRATCH) : 0;
  const label = load<i32>(labels + (<usize>i << 2));
  const row = pred + <usize>i * stride;
  const gradRow = grad + <usize>i * gradRowBytes;
  const stats = pointer(frame, STATS);
  if (flag(frame, HAS_IGNORE) && label == <i32>param(frame, IGNORE_INDEX)) {
    if (losses != 0) store<f64>(losses + (<usize>i << 3), 0);
    if (stats != 0) store<f64>(stats + ((<usize>i * STATS_SLOTS) << 3), -1, STAT_PREDICTED << 3);
    if (grad != 0) memory.fill(gradRow, 0, gradRowBytes);
    return IGNORED;
  }
  if (<u32>label >= <u32>classes) return INVALID;
  const m = rowMax<T>(row, classes);
  if (!(m < Infinity && m > -Infinity)) return INVALID;
  // rest = sum over j != label of e^(z_j - m); et = e^(z_t - m), taken from the same pass.
  let rest: f64 = 0;
  let carry: f64 = 0;
  let et: f64 = 0;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const shift = f64x2.splat(m);
    const labelPair = label & ~1;
    const odd = (label & 1) != 0;
    const labelLane = i64x2.replace_lane(i64x2.splat(-(<i64>!odd)), 1, -(<i64>odd));
    const pairs = classes & ~1;
    while (c < pairs) {
      const stop = min(c + EXP_BLOCK, pairs);
      let sum = f64x2.splat(0);
      for (; c < stop; c += 2) {
        let e = vexpNonPositive(f64x2.sub(loadPair<T>(row + (<usize>c << alignof<T>())), shift));
        if (exps != 0) v128.store(exps + (<usize>c << 3), e);
        if (c == labelPair) {
          et = odd ? f64x2.extract_lane(e, 1) : f64x2.extract_lane(e, 0);
          e = v128.andnot(e, labelLane);
        }
        sum = f64x2.add(sum, e);
      }
      const b = f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
      const t = rest + b;
      carry += sumError(rest, b, t);
      rest = t;
    }
  }
  while (c < classes) {
    const stop = min(c + EXP_BLOCK, classes);
    let b: f64 = 0;
    for (; c < stop; c++) {
      const e = Math.exp(<f64>load<T>(row + (<usize>c << alignof<T>())) - m);
      if (exps != 0) store<f64>(exps + (<usize>c << 3), e);
      if (c == label) et = e;
      else b += e;
    }
    const t = rest + b;
    carry += sumError(rest, b, t);
    rest = t;
  }
  rest += carry;
  // ln(et + rest) as ln(total) plus the rounding error of the sum over total: this is
  // log1p(rest) where et = 1, accurate however small rest is, and needs one log.
  const total = et + rest;
  const inverse = 1 / total;
  let logTotal = Math.log(total);
  // The table log is cheaper than the scalar one even on a single lane.
  if (ASC_FEATURE_SIMD) logTotal = f64x2.extract_lane(vlogNormal(f64x2.splat(total)), 0);
  logTotal += sumError(et, rest, total) * inverse;
  const logP = <f64>load<T>(row + (<usize>label << alignof<T>())) - m - logTotal;
  const q = rest * inverse;
  const pt = et * inverse;
  const factor = focus(q, plan == 0 ? logOneMinus(pt, q) : 0, gamma, plan);
  const w = sampleWeights != 0 ? load<f64>(sampleWeights + (<usize>i << 3)) : 1;
  const a = load<f64>(weights + <usize>label * weightStride);
  const t = a * w;
  const product = t * factor;
  const fine = isFine(factor, product);
  const loss = t == 0 ? 0 : fine ? product * (0 - logP) : inLogSpace(0 - logP, a, w, gamma, logOneMinus(pt, q));
  if (losses != 0) store<f64>(losses + (<usize>i << 3), loss);
  if (perClass != 0) addToClass(perClass, label, loss, w);
  if (stats != 0) {
    let top = 0;
    while (<f64>load<T>(row + (<usize>top << alignof<T>())) != m) top++;
    const at = stats + ((<usize>i * STATS_SLOTS) << 3);
    store<f64>(at, <f64>top, STAT_PREDICTED << 3);
    store<f64>(at, inverse, STAT_CONFIDENCE << 3);
    store<f64>(at, pt, STAT_PT << 3);
    store<f64>(at, 0 - logP, STAT_CROSS_ENTROPY << 3);
  }
  if (grad != 0) {
    const ratio = q == 0 ? -1 : logP / q;
    // p_t ln p_t / q -> 0 as p_t -> 0 (a target logit of -Infinity).
    const slope = gradScale * ((pt == 0 ? 0 : gamma * pt * ratio) - 1);
    const s = t == 0 ? 0 : fine ? product * slope : inLogSpace(slope, a, w, gamma, logOneMinus(pt, q));
    writeGradient(exps, classes, label, -s * inverse, s * q, gradRow, gradF32);
  }
  return loss;
}

/**
 * Rows i and i + 1 on the two lanes of every step. Both rows are read element by element
 * (z_c of row A and of row B make one pair); the masks that pick e^(z_t - m) compare a class
 * counter with the two labels. The odd row at the end of a block goes through oneRow.
 */
function pairedRows(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize, f32: bool): i32 {
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
        writePairGradient(exps, classes, la, lb, f64x2.sub(lanes(ZERO), f64x2.mul(s, inverse)), f64x2.mul(s, q), grad + <usize>i * gradRowBytes, gradRowBytes, gradF32);
        if (ignoredA) memory.fill(grad + <usize>i * gradRowBytes, 0, gradRowBytes);
        if (ignoredB) memory.fill(grad + <usize>(i + 1) * gradRowBytes, 0, gradRowBytes);
      }
    }
    let block = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    let weightSum = f64x2.extract_lane(weightAcc, 0) + f64x2.extract_lane(weightAcc, 1);
    if (i < end) {
      const loss = f32 ? oneRow<f32>(frame, pred, labels, i, classes, grad) : oneRow<f64>(frame, pred, labels, i, classes, grad);
      if (loss == INVALID) return i;
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

/** Whether a row's logits are valid: no NaN, a finite max (its label was checked already). */
function validRow<T>(row: usize, classes: i32): bool {
  const m = rowMax<T>(row, classes);
  return m < Infinity && m > -Infinity;
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

/** The gradient row from the row's exponentials: scale * e^(z_j - m) for j != label, and `atLabel` at the label. */
function writeGradient(exps: usize, classes: i32, label: i32, scale: f64, atLabel: f64, out: usize, f32: bool): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const factor = f64x2.splat(scale);
    for (; c + 2 <= classes; c += 2) {
      const g = f64x2.mul(v128.load(exps + (<usize>c << 3)), factor);
      if (f32) v128.store64_lane(out + (<usize>c << 2), f32x4.demote_f64x2_zero(g), 0);
      else v128.store(out + (<usize>c << 3), g);
    }
  }
  for (; c < classes; c++) {
    const g = load<f64>(exps + (<usize>c << 3)) * scale;
    if (f32) store<f32>(out + (<usize>c << 2), <f32>g);
    else store<f64>(out + (<usize>c << 3), g);
  }
  if (f32) store<f32>(out + (<usize>label << 2), <f32>atLabel);
  else store<f64>(out + (<usize>label << 3), atLabel);
}
