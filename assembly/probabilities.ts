import {
  BLOCK, CLASS_LANES, EPSILON, flag, GAMMA, HAS_IGNORE, HAS_IGNORE_LANES, IGNORE_INDEX, IGNORE_LANES, LOSSES, param,
  PER_CLASS, pointer, POLY1, PRED_F32, SAMPLE_WEIGHTS, storeVectors, vector, WEIGHT_STRIDE_WORD, WEIGHTS_WORD, word,
} from './frame';
import { Pow15, Pow2, powerPlan, PowRuntime } from './math/focus';
import { lanes, ONE, ZERO } from './math/lanes';
import { Plain, Poly1 } from './math/poly';
import { generalLoop, loadPair, loadWeightPair, pairLoss, SMALLEST_NORMAL } from './probability-pairs';
import { addBlock, firstInvalid, oneSample, rowBytes } from './probability-sample';

// Class-index targets with probabilities: sample i's loss reads one entry, p_t = pred[i][t],
//   loss = alpha_t * w_i * (1 - p_t)^gamma * -ln p_t  [+ eps w_i (1 - p_t)^(gamma + 1), Poly-1],
// p_t clipped to [eps, 1 - eps], and its gradient has one non-zero entry per row,
// d loss / d p_t (0 where the clip is active).
//
// Two layouts: rows (pred holds n rows of `classes` f64 or f32 values, labels are raw i32
// that the kernel checks) and gathered (the host already picked p_t into pred[i] as f64 and
// checked the labels; ignored samples carry -1 and the frame's ignore index is -1).
//
// The plain case (no per-sample output, weights, per-class sums or gradient) runs a
// straight-line f64x2 loop, specialised for gamma 2 and 1.5 (any other gamma takes its
// multiplications or exp at run time) and instantiated with and without the Poly-1 term;
// everything else runs one general loop. Both compute each loss with the same operations in
// the same order (probability-pairs.ts; an odd last sample and the scalar build go through
// probability-sample.ts) and add them up the same way (pairs into one f64x2 accumulator per
// block of BLOCK samples, blocks added with Neumaier's compensation), so the loss of a
// gradient call is bit-identical to the loss alone.

export function probabilityLoss(frame: usize, pred: usize, labels: usize, n: i32, classes: i32): i32 {
  return probabilities(frame, pred, labels, n, classes, 0, false);
}

export function probabilityLossGrad(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize): i32 {
  return probabilities(frame, pred, labels, n, classes, grad, false);
}

export function gatheredLoss(frame: usize, pred: usize, labels: usize, n: i32, classes: i32): i32 {
  return probabilities(frame, pred, labels, n, classes, 0, true);
}

/** The gradient of gathered samples goes to grad[i] (one f64 or f32 per sample); the host scatters it. */
export function gatheredLossGrad(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize): i32 {
  return probabilities(frame, pred, labels, n, classes, grad, true);
}

/** Returns -1, or the index of the first sample whose label or probability is invalid. */
function probabilities(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize, gathered: bool): i32 {
  const plain = grad == 0 && pointer(frame, SAMPLE_WEIGHTS) == 0 && pointer(frame, LOSSES) == 0 &&
    pointer(frame, PER_CLASS) == 0 && param(frame, EPSILON) >= SMALLEST_NORMAL;
  if (!ASC_FEATURE_SIMD || !plain) return generalLoop(frame, pred, labels, n, classes, grad, gathered);
  if (param(frame, POLY1) != 0) return plainLoops<Poly1>(frame, pred, labels, n, classes, gathered);
  return plainLoops<Plain>(frame, pred, labels, n, classes, gathered);
}

// @ts-ignore: decorator
@inline
function plainLoops<P>(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, gathered: bool): i32 {
  const gamma = param(frame, GAMMA);
  // The most common case, f64 rows without an ignore index, gets a loop of its own for the
  // most common gammas: every branch V8 11.3 keeps in a loop costs it registers.
  if (!gathered && !flag(frame, PRED_F32) && !flag(frame, HAS_IGNORE)) {
    if (gamma == 2) return leanLoop<Pow2, P>(frame, pred, labels, n, classes);
    if (gamma == 1.5) return leanLoop<Pow15, P>(frame, pred, labels, n, classes);
  }
  if (gamma == 2) return plainLoop<Pow2, P>(frame, pred, labels, n, classes, gathered);
  if (gamma == 1.5) return plainLoop<Pow15, P>(frame, pred, labels, n, classes, gathered);
  return plainLoop<PowRuntime, P>(frame, pred, labels, n, classes, gathered);
}

function plainLoop<Power, P>(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, gathered: bool): i32 {
  const power = changetype<Power>(0);
  const poly = changetype<P>(0);
  const f32 = flag(frame, PRED_F32);
  const stride = rowBytes(classes, gathered, f32);
  const shift: usize = f32 ? 2 : 3;
  // Gathered rows hold p_t alone: the label moves no byte within them.
  const pick: usize = gathered ? 0 : <usize>-1;
  const hasIgnore = flag(frame, HAS_IGNORE);
  const plan = powerPlan(param(frame, GAMMA));
  storeVectors(frame, classes);
  let i = 0;
  let row = pred;
  while (i < n) {
    const blockStart = i;
    const end = min(i + BLOCK, n);
    let acc = lanes(ZERO);
    let ok = i64x2.splat(-1);
    let ignored = i32x4.splat(0);
    for (; i + 2 <= end; i += 2) {
      // Labels are checked two at a time on i32 lanes; the upper two lanes load as 0 and are never read.
      const pair = v128.load64_zero(labels + (<usize>i << 2));
      const skip = v128.and(i32x4.eq(pair, vector(frame, IGNORE_LANES)), vector(frame, HAS_IGNORE_LANES));
      if (v128.any_true(v128.andnot(i32x4.ge_u(pair, vector(frame, CLASS_LANES)), skip))) {
        return firstInvalid(frame, pred, labels, blockStart, n, classes, gathered);
      }
      ignored = i32x4.sub(ignored, skip);
      // Ignored samples read entry 0 of their row, which is always there.
      const kept = v128.andnot(pair, skip);
      const l0 = i32x4.extract_lane(kept, 0);
      const l1 = i32x4.extract_lane(kept, 1);
      const p = loadPair(row, (<usize>l0 << shift) & pick, row + stride, (<usize>l1 << shift) & pick, f32);
      row += 2 * stride;
      const none = i64x2.extend_low_i32x4_s(skip);
      ok = v128.and(ok, v128.or(none, v128.and(f64x2.ge(p, lanes(ZERO)), f64x2.le(p, lanes(ONE)))));
      const a = loadWeightPair(word(frame, WEIGHTS_WORD), word(frame, WEIGHT_STRIDE_WORD), l0, l1);
      acc = f64x2.add(acc, pairLoss<Power>(power, poly.on, p, a, a, none, frame, plan, false, false));
    }
    if (!i64x2.all_true(ok)) return firstInvalid(frame, pred, labels, blockStart, n, classes, gathered);
    let block = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    let counted = (i - blockStart) - i32x4.extract_lane(ignored, 0) - i32x4.extract_lane(ignored, 1);
    for (; i < end; i++) {
      const loss = oneSample(frame, row, labels, i, classes, 0, gathered);
      if (isNaN(loss)) return i;
      if (!(hasIgnore && load<i32>(labels + (<usize>i << 2)) == <i32>param(frame, IGNORE_INDEX))) counted++;
      block += loss;
      row += stride;
    }
    addBlock(frame, block, counted, <f64>counted);
  }
  return -1;
}

/** plainLoop for f64 rows and no ignore index. */
function leanLoop<Power, P>(frame: usize, pred: usize, labels: usize, n: i32, classes: i32): i32 {
  const power = changetype<Power>(0);
  const poly = changetype<P>(0);
  const stride = <usize>classes << 3;
  const uClasses = <u32>classes;
  const plan = powerPlan(param(frame, GAMMA));
  storeVectors(frame, classes);
  let i = 0;
  let row = pred;
  while (i < n) {
    const blockStart = i;
    const end = min(i + BLOCK, n);
    let acc = lanes(ZERO);
    let ok = i64x2.splat(-1);
    for (; i + 2 <= end; i += 2) {
      const l0 = load<i32>(labels + (<usize>i << 2));
      const l1 = load<i32>(labels + (<usize>i << 2), 4);
      if ((<u32>l0 >= uClasses) | (<u32>l1 >= uClasses)) return firstInvalid(frame, pred, labels, blockStart, n, classes, false);
      const p = v128.load64_lane(row + stride + (<usize>l1 << 3), v128.load64_zero(row + (<usize>l0 << 3)), 1);
      row += 2 * stride;
      ok = v128.and(ok, v128.and(f64x2.ge(p, lanes(ZERO)), f64x2.le(p, lanes(ONE))));
      const a = loadWeightPair(word(frame, WEIGHTS_WORD), word(frame, WEIGHT_STRIDE_WORD), l0, l1);
      acc = f64x2.add(acc, pairLoss<Power>(power, poly.on, p, a, a, lanes(ZERO), frame, plan, false, false));
    }
    if (!i64x2.all_true(ok)) return firstInvalid(frame, pred, labels, blockStart, n, classes, false);
    let block = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    let counted = i - blockStart;
    for (; i < end; i++) {
      const loss = oneSample(frame, row, labels, i, classes, 0, false);
      if (isNaN(loss)) return i;
      counted++;
      block += loss;
      row += stride;
    }
    addBlock(frame, block, counted, <f64>counted);
  }
  return -1;
}
