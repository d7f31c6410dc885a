import {
  addCompensated, addToClass, BLOCK, CLASS_WEIGHT_STRIDE, CLASS_WEIGHTS, COUNT, flag, GAMMA, GRAD_F32, GRAD_SCALE, HAS_IGNORE,
  IGNORE_INDEX, LOSSES, param, PER_CLASS, pointer, PRED_F32, ROW_SCRATCH, SAMPLE_WEIGHTS, SUM, WEIGHT_SUM,
} from './frame';
import { focus, inLogSpace, isFine, logOneMinus, powerPlan } from './math/focus';
import { EXP_BLOCK, loadPair, rowMax } from './math/softmax';
import { sumError } from './math/sum';
import { vlogNormal } from './math/log';
import { vexpNonPositive } from './math/exp';

// Class-index targets with logits: each row goes through one stable log-softmax,
//   m = max_j z_j,  rest = sum over j != t of e^(z_j - m),  total = e^(z_t - m) + rest,
//   ln p_t = z_t - m - ln total,  q = 1 - p_t = rest / total,
//   loss = alpha_t * w * q^gamma * -ln p_t.
// q is the off-target mass itself, never 1 - p_t, so it keeps its digits as p_t -> 1, and
// the gradient
//   d loss / d z_j = alpha_t w q^gamma (gamma p_t ln p_t / q - 1) (delta_tj - p_j)
// stays finite and exact for every gamma >= 0: ln p_t / q -> -1, and delta_tt - p_t is q.
// ln total carries the rounding error of et + rest, so where z_t is the max (et = 1) it is
// log1p(rest) to full accuracy however small rest is. Rows are read in f64x2 pairs (max,
// then one exp pass that also yields et); the per-row arithmetic is scalar.

export function logitLoss(frame: usize, pred: usize, labels: usize, n: i32, classes: i32): i32 {
  return logits(frame, pred, labels, n, classes, 0);
}

export function logitLossGrad(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize): i32 {
  return logits(frame, pred, labels, n, classes, grad);
}

/** Returns -1, or the first row with an invalid label, a NaN or +Inf logit, or no finite logit. */
function logits(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize): i32 {
  return flag(frame, PRED_F32)
    ? rowsOf<f32>(frame, pred, labels, n, classes, grad)
    : rowsOf<f64>(frame, pred, labels, n, classes, grad);
}

function rowsOf<T>(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize): i32 {
  const stride = <usize>classes << alignof<T>();
  const hasIgnore = flag(frame, HAS_IGNORE);
  const ignore = <i32>param(frame, IGNORE_INDEX);
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
  // A gradient call keeps each row's e^(z_j - m) here between its two passes.
  const exps = grad != 0 ? pointer(frame, ROW_SCRATCH) : 0;
  let i = 0;
  while (i < n) {
    const end = min(i + BLOCK, n);
    let block: f64 = 0;
    let weightSum: f64 = 0;
    let counted = 0;
    for (; i < end; i++) {
      const label = load<i32>(labels + (<usize>i << 2));
      const row = pred + <usize>i * stride;
      const gradRow = grad + <usize>i * gradRowBytes;
      if (hasIgnore && label == ignore) {
        if (losses != 0) store<f64>(losses + (<usize>i << 3), 0);
        if (grad != 0) memory.fill(gradRow, 0, gradRowBytes);
        continue;
      }
      if (<u32>label >= <u32>classes) return i;
      const m = rowMax<T>(row, classes);
      if (!(m < Infinity && m > -Infinity)) return i;
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
      block += loss;
      weightSum += w;
      counted++;
      if (losses != 0) store<f64>(losses + (<usize>i << 3), loss);
      if (perClass != 0) addToClass(perClass, label, loss, w);
      if (grad != 0) {
        const ratio = q == 0 ? -1 : logP / q;
        // p_t ln p_t / q -> 0 as p_t -> 0 (a target logit of -Infinity).
        const slope = gradScale * ((pt == 0 ? 0 : gamma * pt * ratio) - 1);
        const s = t == 0 ? 0 : fine ? product * slope : inLogSpace(slope, a, w, gamma, logOneMinus(pt, q));
        writeGradient(exps, classes, label, -s * inverse, s * q, gradRow, gradF32);
      }
    }
    addCompensated(frame + (<usize>SUM << 3), block);
    store<f64>(frame + (<usize>COUNT << 3), param(frame, COUNT) + <f64>counted);
    addCompensated(frame + (<usize>WEIGHT_SUM << 3), weightSum);
  }
  return -1;
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
