import {
  addToClass, addTotals, BLOCK, CLASS_WEIGHT_STRIDE, CLASS_WEIGHTS, COUNT, EPSILON, flag, FROM_LOGITS, GAMMA, GRAD_F32,
  GRAD_SCALE, HAS_IGNORE, IGNORE_INDEX, LOG_EPSILON, LOG_ONE_MINUS_EPSILON, LOSSES, param, PER_CLASS, pointer, POLY1,
  SAMPLE_WEIGHTS, SMOOTHING,
} from './frame';
import { clippedLog, clippedLogOneMinus, clippedOneMinus, clippedProbability } from './math/clip';
import { focus, inLogSpace, isFine, logOneMinus, powerPlan } from './math/focus';
import { scaled, slopeWithPoly, withPoly } from './math/poly';
import { expSumExcept, rowMax } from './math/softmax';
import { sumError } from './math/sum';

// Target distributions (f64 predictions: the host widens f32 as it copies, which costs
// little beside the per-class work): one-hot or soft target rows, or class indices with label smoothing
// (target c = s / C + (1 - s) [c = label], computed here rather than stored). Every class
// with a non-zero target and weight contributes
//   alpha_c * y_c * w * (1 - p_c)^gamma * -ln p_c  [+ eps y_c w (1 - p_c)^(gamma + 1), Poly-1],
// so whole rows are read. Probabilities are clipped as for class indices; logits go through
// one log-softmax per row: with m the max and r = sum of e^(z_j - m) over all j but the
// argmax, ln p_c = z_c - m - log1p(r), and 1 - p_c is r / (1 + r) for the argmax and
// -expm1(ln p_c) otherwise, both accurate as p_c -> 1.
//
// Gradients: for probabilities d/dp_c of each term (0 where clipped); for logits, with
// G_c = d loss / d ln p_c = y_c w (1 - p_c)^gamma (alpha_c (gamma p_c ln p_c / (1 - p_c) - 1) [- eps (gamma + 1) p_c]),
//   d loss / d z_j = G_j (1 - p_j) - p_j * (sum over c != j of G_c),
// where the sum that excludes the argmax is accumulated on its own instead of subtracted.

/** target: n rows of f64 targets, or, when the frame's SMOOTHING > 0, n i32 class indices. */
export function targetRowLoss(frame: usize, pred: usize, target: usize, n: i32, classes: i32): i32 {
  return rowsOf(frame, pred, target, n, classes, 0);
}

export function targetRowLossGrad(frame: usize, pred: usize, target: usize, n: i32, classes: i32, grad: usize): i32 {
  return rowsOf(frame, pred, target, n, classes, grad);
}

/** Returns -1, or the first row with an invalid label, probability or logit. */
function rowsOf(frame: usize, pred: usize, target: usize, n: i32, classes: i32, grad: usize): i32 {
  const smoothing = param(frame, SMOOTHING);
  const fromLabels = smoothing > 0;
  const spread = smoothing / <f64>classes;
  const keep = 1 - smoothing;
  const hasIgnore = flag(frame, HAS_IGNORE);
  const ignore = <i32>param(frame, IGNORE_INDEX);
  const sampleWeights = pointer(frame, SAMPLE_WEIGHTS);
  const losses = pointer(frame, LOSSES);
  const perClass = pointer(frame, PER_CLASS);
  const fromLogits = flag(frame, FROM_LOGITS);
  const gradRowBytes = <usize>classes << (flag(frame, GRAD_F32) ? 2 : 3);
  let block: f64 = 0;
  let weightSum: f64 = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % BLOCK == 0) {
      addTotals(frame, block, counted, weightSum);
      block = weightSum = 0;
      counted = 0;
    }
    const row = pred + ((<usize>i * <usize>classes) << 3);
    const gradRow = grad + <usize>i * gradRowBytes;
    let label = -1;
    if (fromLabels) {
      label = load<i32>(target + (<usize>i << 2));
      if (hasIgnore && label == ignore) {
        if (losses != 0) store<f64>(losses + (<usize>i << 3), 0);
        if (grad != 0) memory.fill(gradRow, 0, gradRowBytes);
        continue;
      }
      if (<u32>label >= <u32>classes) return i;
    }
    const targets: usize = fromLabels ? 0 : target + ((<usize>i * <usize>classes) << 3);
    const w = sampleWeights != 0 ? load<f64>(sampleWeights + (<usize>i << 3)) : 1;
    const loss = fromLogits
      ? logitRow(frame, row, targets, label, spread, keep, classes, w, grad != 0 ? gradRow : 0)
      : probabilityRow(frame, row, targets, label, spread, keep, classes, w, grad != 0 ? gradRow : 0);
    if (isNaN(loss)) return i;
    block += loss;
    weightSum += w;
    counted++;
    if (losses != 0) store<f64>(losses + (<usize>i << 3), loss);
    if (perClass != 0 && fromLabels) addToClass(perClass, label, loss, w);
  }
  addTotals(frame, block, counted, weightSum);
  return -1;
}

// @ts-ignore: decorator
@inline
function targetOf(targets: usize, label: i32, spread: f64, keep: f64, c: i32): f64 {
  return targets != 0 ? load<f64>(targets + (<usize>c << 3)) : c == label ? spread + keep : spread;
}

// @ts-ignore: decorator
@inline
function storeEntry(gradRow: usize, c: i32, g: f64, f32: bool): void {
  if (f32) store<f32>(gradRow + (<usize>c << 2), <f32>g);
  else store<f64>(gradRow + (<usize>c << 3), g);
}

/** The row's weighted loss (and gradient when gradRow != 0), or NaN for a probability outside [0, 1]. */
function probabilityRow(
  frame: usize, row: usize, targets: usize, label: i32, spread: f64, keep: f64, classes: i32, w: f64, gradRow: usize,
): f64 {
  const weights = pointer(frame, CLASS_WEIGHTS);
  const weightStride: usize = flag(frame, CLASS_WEIGHT_STRIDE) ? 8 : 0;
  const eps = param(frame, EPSILON);
  const logEps = param(frame, LOG_EPSILON);
  const logHigh = param(frame, LOG_ONE_MINUS_EPSILON);
  const gamma = param(frame, GAMMA);
  const plan = powerPlan(gamma);
  const gradF32 = flag(frame, GRAD_F32);
  const gradScale = param(frame, GRAD_SCALE);
  const poly = param(frame, POLY1);
  let total: f64 = 0;
  let carry: f64 = 0;
  for (let c = 0; c < classes; c++) {
    const alpha = load<f64>(weights + <usize>c * weightStride);
    const y = targetOf(targets, label, spread, keep, c);
    const ay = alpha * y;
    const t = ay * w;
    const yw = y * w;
    let g: f64 = 0;
    if (t != 0 || (poly != 0 && yw != 0)) {
      const x = load<f64>(row + (<usize>c << 3));
      if (!(x >= 0 && x <= 1)) return NaN;
      const logQ = clippedLogOneMinus(x, eps, logEps, logHigh);
      const qc = clippedOneMinus(x, eps);
      const factor = focus(qc, logQ, gamma, plan);
      const product = t * factor;
      const fine = isFine(factor, product);
      const negLogP = 0 - clippedLog(x, eps, logHigh);
      let term = t == 0 ? 0 : fine ? product * negLogP : inLogSpace(negLogP, ay, w, gamma, logQ);
      if (poly != 0) term = withPoly(term, alpha, yw, clippedProbability(x, eps), qc, negLogP, factor, gamma, poly);
      const sum = total + term;
      carry += sumError(total, term, sum);
      total = sum;
      const q = 1 - x;
      if (gradRow != 0 && !(x < eps || q < eps)) {
        const ratio = q == 0 ? -1 : Math.log(x) / q;
        const slope = gradScale * (gamma == 0 ? -1 / x : gamma * ratio - 1 / x);
        if (t != 0) g = fine ? product * slope : inLogSpace(slope, ay, w, gamma, logQ);
        if (poly != 0) {
          // d/dp of eps y w (1 - p)^(gamma + 1).
          const term = scaled(-gradScale * poly * (gamma + 1), yw, x, q, factor, gamma);
          g = slopeWithPoly(g, term, gradScale, alpha, poly, yw, x, q, negLogP, factor, gamma, false);
        }
      }
    }
    if (gradRow != 0) storeEntry(gradRow, c, g, gradF32);
  }
  // An infinite term makes the carry Inf - Inf = NaN; the sum itself is then the answer.
  return isFinite(total) ? total + carry : total;
}

/** The row's weighted loss (and gradient when gradRow != 0), or NaN for NaN, +Inf or no finite logit. */
function logitRow(
  frame: usize, row: usize, targets: usize, label: i32, spread: f64, keep: f64, classes: i32, w: f64, gradRow: usize,
): f64 {
  const m = rowMax<f64>(row, classes);
  if (!(m < Infinity && m > -Infinity)) return NaN;
  let top = 0;
  while (load<f64>(row + (<usize>top << 3)) != m) top++;
  const rest = expSumExcept<f64>(row, classes, top, m);
  const logTotal = Math.log1p(rest);
  const qTop = rest / (1 + rest);
  const weights = pointer(frame, CLASS_WEIGHTS);
  const weightStride: usize = flag(frame, CLASS_WEIGHT_STRIDE) ? 8 : 0;
  const gamma = param(frame, GAMMA);
  const plan = powerPlan(gamma);
  const poly = param(frame, POLY1);
  let total: f64 = 0;
  let carry: f64 = 0;
  let all: f64 = 0;
  let allCarry: f64 = 0;
  let allButTop: f64 = 0;
  let allButTopCarry: f64 = 0;
  for (let c = 0; c < classes; c++) {
    const alpha = load<f64>(weights + <usize>c * weightStride);
    const y = targetOf(targets, label, spread, keep, c);
    const ay = alpha * y;
    if (ay * w == 0 && (poly == 0 || y * w == 0)) continue;
    const logP = load<f64>(row + (<usize>c << 3)) - m - logTotal;
    const p = Math.exp(logP);
    const q = c == top ? qTop : -Math.expm1(logP);
    let term = ay * w == 0 ? 0 : weightedTerm(0 - logP, ay, w, p, q, gamma, plan);
    if (poly != 0) term = withPoly(term, alpha, y * w, p, q, 0 - logP, focusOf(p, q, gamma, plan), gamma, poly);
    const sum = total + term;
    carry += sumError(total, term, sum);
    total = sum;
    if (gradRow != 0) {
      const g = classSlope(alpha, y, w, p, q, logP, gamma, plan, poly);
      const s = all + g;
      allCarry += sumError(all, g, s);
      all = s;
      if (c != top) {
        const u = allButTop + g;
        allButTopCarry += sumError(allButTop, g, u);
        allButTop = u;
      }
    }
  }
  all += allCarry;
  allButTop += allButTopCarry;
  if (gradRow != 0) {
    const gradF32 = flag(frame, GRAD_F32);
    const gradScale = param(frame, GRAD_SCALE);
    for (let j = 0; j < classes; j++) {
      const alpha = load<f64>(weights + <usize>j * weightStride);
      const y = targetOf(targets, label, spread, keep, j);
      const logP = load<f64>(row + (<usize>j << 3)) - m - logTotal;
      const p = Math.exp(logP);
      const q = j == top ? qTop : -Math.expm1(logP);
      const own = classSlope(alpha, y, w, p, q, logP, gamma, plan, poly);
      const others = j == top ? allButTop : all - own;
      storeEntry(gradRow, j, gradScale * (own * q - p * others), gradF32);
    }
  }
  // An infinite term makes the carry Inf - Inf = NaN; the sum itself is then the answer.
  return isFinite(total) ? total + carry : total;
}

/** multiplier * alpha y * w * (1 - p)^gamma, in log space where the direct product is not a normal number. */
function weightedTerm(multiplier: f64, ay: f64, w: f64, p: f64, q: f64, gamma: f64, plan: i32): f64 {
  const factor = focusOf(p, q, gamma, plan);
  const product = ay * w * factor;
  return isFine(factor, product) ? product * multiplier : inLogSpace(multiplier, ay, w, gamma, logOneMinus(p, q));
}

// @ts-ignore: decorator
@inline
function focusOf(p: f64, q: f64, gamma: f64, plan: i32): f64 {
  return focus(q, plan == 0 ? logOneMinus(p, q) : 0, gamma, plan);
}

/** G_c, d loss / d ln p_c of class c (0 where its target or weight is). */
function classSlope(alpha: f64, y: f64, w: f64, p: f64, q: f64, logP: f64, gamma: f64, plan: i32, poly: f64): f64 {
  const ay = alpha * y;
  const g = ay * w == 0 ? 0 : weightedTerm(lnSlope(gamma, p, q, logP), ay, w, p, q, gamma, plan);
  if (poly == 0 || y * w == 0) return g;
  // d/d ln p of eps y w (1 - p)^(gamma + 1).
  const factor = focusOf(p, q, gamma, plan);
  const term = scaled(-poly * (gamma + 1) * p, y * w, p, q, factor, gamma);
  return slopeWithPoly(g, term, 1, alpha, poly, y * w, p, q, 0 - logP, factor, gamma, true);
}

/** gamma p ln p / (1 - p) - 1, with p ln p / (1 - p) -> -1 as p -> 1 and -> 0 as p -> 0. */
// @ts-ignore: decorator
@inline
function lnSlope(gamma: f64, p: f64, q: f64, logP: f64): f64 {
  return (p == 0 ? 0 : gamma * p * (q == 0 ? -1 : logP / q)) - 1;
}
