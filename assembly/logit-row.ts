import {
  addToClass, CLASS_WEIGHT_STRIDE, CLASS_WEIGHTS, flag, GAMMA, GRAD_F32, GRAD_SCALE, HAS_IGNORE, IGNORE_INDEX, LOSSES,
  param, PER_CLASS, pointer, POLY1, ROW_SCRATCH, SAMPLE_WEIGHTS, STAT_CONFIDENCE, STAT_CROSS_ENTROPY, STAT_PREDICTED,
  STAT_PT, STATS, STATS_SLOTS,
} from './frame';
import { focus, inLogSpace, isFine, logOneMinus, powerPlan } from './math/focus';
import { vlogNormal } from './math/log';
import { vexpNonPositive } from './math/exp';
import { scaled, slopeWithPoly, withPoly } from './math/poly';
import { EXP_BLOCK, loadPair, rowMax } from './math/softmax';
import { sumError } from './math/sum';

// One row of logits.ts at a time, in pairs of classes: its log-softmax, loss, gradient row and
// diagnostics. Rows too wide to pair, an odd last row, and every row of the scalar build.

// oneRow's verdicts besides a loss, which is > -Infinity (a Poly-1 loss may be negative).
const INVALID: f64 = NaN;
export const IGNORED: f64 = -Infinity;

/**
 * Row i on its own: its weighted loss (with its per-sample loss, class sums and gradient row
 * written where the frame asks for them), INVALID, or IGNORED.
 */
export function oneRow<T>(frame: usize, pred: usize, labels: usize, i: i32, classes: i32, grad: usize): f64 {
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
  const poly = param(frame, POLY1);
  let loss = t == 0 ? 0 : fine ? product * (0 - logP) : inLogSpace(0 - logP, a, w, gamma, logOneMinus(pt, q));
  if (poly != 0) loss = withPoly(loss, a, w, pt, q, 0 - logP, factor, gamma, poly);
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
    let s = t == 0 ? 0 : fine ? product * slope : inLogSpace(slope, a, w, gamma, logOneMinus(pt, q));
    if (poly != 0 && w != 0) {
      const term = scaled(-gradScale * poly * (gamma + 1) * pt, w, pt, q, factor, gamma);
      s = slopeWithPoly(s, term, gradScale, a, poly, w, pt, q, 0 - logP, factor, gamma, true);
    }
    writeGradient(exps, classes, label, -s * inverse, s * q, gradRow, gradF32);
  }
  return loss;
}

/** Whether a row's logits are valid: no NaN, a finite max (its label was checked already). */
export function validRow<T>(row: usize, classes: i32): bool {
  const m = rowMax<T>(row, classes);
  return m < Infinity && m > -Infinity;
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
