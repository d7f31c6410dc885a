import {
  addBlock, addToClass, BLOCK, CLASS_WEIGHT_STRIDE, EPSILON, FROM_LOGITS, GAMMA, GRAD_SCALE, HAS_IGNORE, IGNORE_INDEX,
  LOG_EPSILON, LOG_ONE_MINUS_EPSILON, POLY1, SMOOTHING, type Frame, type Targets, type Values,
} from './frame.js';
import { clippedLog, clippedLogOneMinus, clippedOneMinus, clippedProbability, isClipped } from './math/clip.js';
import { focus, inLogSpace, isFine, logOneMinus, powerPlan } from './math/focus.js';
import { scaled, slopeWithPoly, withPoly } from './math/poly.js';
import { expSumExcept, rowMax } from './math/softmax.js';
import { sumError } from './math/sum.js';

// Target distributions (assembly/target-rows.ts): one-hot or soft target rows, or class
// indices with label smoothing (target c = s / C + (1 - s) [c = label]). Every class with a
// non-zero target and weight contributes alpha_c * y_c * w * (1 - p_c)^gamma * -ln p_c
// [+ eps y_c w (1 - p_c)^(gamma + 1), Poly-1].
// Logits: with m the max and r = sum of e^(z_j - m) over all j but the argmax,
// ln p_c = z_c - m - log1p(r); 1 - p_c is r / (1 + r) for the argmax, else -expm1(ln p_c).
// Their gradient, with G_c = d loss / d ln p_c = y_c w (1 - p_c)^gamma (alpha_c (gamma p_c
// ln p_c / (1 - p_c) - 1) [- eps (gamma + 1) p_c]): d loss / d z_j = G_j (1 - p_j) - p_j *
// (sum over c != j of G_c).

export function targetRowLoss(frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number): number {
  return targetRows(frame, pred, target, n, classes, null);
}

export function targetRowLossGrad(
  frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number, grad: Values | null,
): number {
  return targetRows(frame, pred, target, n, classes, grad);
}

/** The targets of one row: a stored row, or smoothed class indices. */
interface RowTargets {
  targets: Targets;
  start: number;
  label: number;
  spread: number;
  keep: number;
}

const targetOf = (r: RowTargets, c: number): number =>
  r.label < 0 ? r.targets[r.start + c] : c === r.label ? r.spread + r.keep : r.spread;

function targetRows(
  frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number, grad: Values | null,
): number {
  const params = frame.params;
  const smoothing = params[SMOOTHING];
  const fromLabels = smoothing > 0;
  const hasIgnore = params[HAS_IGNORE] !== 0;
  const ignore = params[IGNORE_INDEX];
  const { sampleWeights, losses, perClass } = frame;
  const row: RowTargets = { targets: target, start: 0, label: -1, spread: smoothing / classes, keep: 1 - smoothing };
  let block = 0;
  let weightSum = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % BLOCK === 0) {
      addBlock(params, block, counted, weightSum);
      block = weightSum = counted = 0;
    }
    const start = i * classes;
    if (fromLabels) {
      const label = target[i];
      if (hasIgnore && label === ignore) {
        if (losses !== null) losses[i] = 0;
        if (grad !== null) grad.fill(0, start, start + classes);
        continue;
      }
      if (!(label >= 0 && label < classes)) return i;
      row.label = label;
    } else {
      row.start = start;
    }
    const w = sampleWeights === null ? 1 : sampleWeights[i];
    const loss = params[FROM_LOGITS] !== 0
      ? logitRow(frame, pred, start, row, classes, w, grad)
      : probabilityRow(frame, pred, start, row, classes, w, grad);
    if (Number.isNaN(loss)) return i;
    block += loss;
    weightSum += w;
    counted++;
    if (losses !== null) losses[i] = loss;
    if (perClass !== null && fromLabels) addToClass(perClass, row.label, loss, w);
  }
  addBlock(params, block, counted, weightSum);
  return -1;
}

/** The row's weighted loss (its gradient into grad), or NaN for a probability outside [0, 1]. */
function probabilityRow(
  frame: Frame, pred: ArrayLike<number>, start: number, row: RowTargets, classes: number, w: number, grad: Values | null,
): number {
  const params = frame.params;
  const eps = params[EPSILON];
  const logEps = params[LOG_EPSILON];
  const logHigh = params[LOG_ONE_MINUS_EPSILON];
  const gamma = params[GAMMA];
  const plan = powerPlan(gamma);
  const weightStride = params[CLASS_WEIGHT_STRIDE];
  const poly = params[POLY1];
  let total = 0;
  let carry = 0;
  for (let c = 0; c < classes; c++) {
    const alpha = frame.classWeights[c * weightStride];
    const y = targetOf(row, c);
    const ay = alpha * y;
    const t = ay * w;
    let g = 0;
    if (t !== 0 || (poly !== 0 && y * w !== 0)) {
      const x = pred[start + c];
      if (!(x >= 0 && x <= 1)) return NaN;
      const logQ = clippedLogOneMinus(x, eps, logEps, logHigh);
      const factor = focus(clippedOneMinus(x, eps), logQ, gamma, plan);
      const product = t * factor;
      const fine = isFine(factor, product);
      const negLogP = 0 - clippedLog(x, eps, logHigh);
      let term = t === 0 ? 0 : fine ? product * negLogP : inLogSpace(negLogP, ay, w, gamma, logQ);
      if (poly !== 0) term = withPoly(term, alpha, y * w, clippedProbability(x, eps), clippedOneMinus(x, eps), negLogP, factor, gamma, poly);
      const sum = total + term;
      carry += sumError(total, term, sum);
      total = sum;
      if (grad !== null && !isClipped(x, eps)) {
        const q = 1 - x;
        const ratio = q === 0 ? -1 : Math.log(x) / q;
        const slope = params[GRAD_SCALE] * (gamma === 0 ? -1 / x : gamma * ratio - 1 / x);
        if (t !== 0) g = fine ? product * slope : inLogSpace(slope, ay, w, gamma, logQ);
        if (poly !== 0) {
          // d/dp of eps y w (1 - p)^(gamma + 1).
          const term = scaled(-params[GRAD_SCALE] * poly * (gamma + 1), y * w, x, q, factor, gamma);
          g = slopeWithPoly(g, term, params[GRAD_SCALE], alpha, poly, y * w, x, q, negLogP, factor, gamma, false);
        }
      }
    }
    if (grad !== null) grad[start + c] = g;
  }
  // An infinite term makes the carry Inf - Inf = NaN; the sum itself is then the answer.
  return Number.isFinite(total) ? total + carry : total;
}

/** The row's weighted loss (its gradient into grad), or NaN for NaN, +Infinity or no finite logit. */
function logitRow(
  frame: Frame, pred: ArrayLike<number>, start: number, row: RowTargets, classes: number, w: number, grad: Values | null,
): number {
  const m = rowMax(pred, start, classes);
  if (!(m < Infinity && m > -Infinity)) return NaN;
  let top = 0;
  while (pred[start + top] !== m) top++;
  const rest = expSumExcept(pred, start, classes, top, m);
  const logTotal = Math.log1p(rest);
  const qTop = rest / (1 + rest);
  const params = frame.params;
  const gamma = params[GAMMA];
  const plan = powerPlan(gamma);
  const weightStride = params[CLASS_WEIGHT_STRIDE];
  const poly = params[POLY1];
  // Per class: alpha, y, ln p, p, 1 - p, (1 - p)^gamma, and whether alpha y w (1 - p)^gamma is a normal product.
  const term = (c: number) => {
    const alpha = frame.classWeights[c * weightStride];
    const y = targetOf(row, c);
    const ay = alpha * y;
    const logP = pred[start + c] - m - logTotal;
    const p = Math.exp(logP);
    const q = c === top ? qTop : -Math.expm1(logP);
    const factor = focus(q, plan === 0 ? logOneMinus(p, q) : 0, gamma, plan);
    const product = ay * w * factor;
    return { alpha, y, ay, logP, p, q, factor, product, fine: isFine(factor, product) };
  };
  /** m alpha y w (1 - p)^gamma. */
  const times = (e: ReturnType<typeof term>, m: number) =>
    e.ay * w === 0 ? 0 : e.fine ? e.product * m : inLogSpace(m, e.ay, w, gamma, logOneMinus(e.p, e.q));
  const loss = (e: ReturnType<typeof term>) => {
    const focal = times(e, 0 - e.logP);
    return poly === 0 ? focal : withPoly(focal, e.alpha, e.y * w, e.p, e.q, 0 - e.logP, e.factor, gamma, poly);
  };
  // G_c, d loss / d ln p_c; p ln p / (1 - p) -> -1 as p -> 1 and -> 0 as p -> 0.
  const slope = (e: ReturnType<typeof term>) => {
    const g = times(e, (e.p === 0 ? 0 : gamma * e.p * (e.q === 0 ? -1 : e.logP / e.q)) - 1);
    if (poly === 0 || e.y * w === 0) return g;
    // d/d ln p of eps y w (1 - p)^(gamma + 1).
    const own = scaled(-poly * (gamma + 1) * e.p, e.y * w, e.p, e.q, e.factor, gamma);
    return slopeWithPoly(g, own, 1, e.alpha, poly, e.y * w, e.p, e.q, 0 - e.logP, e.factor, gamma, true);
  };
  // A class contributes where alpha y w is not 0, and with Poly-1 where y w is not.
  const contributes = (e: ReturnType<typeof term>) => e.ay * w !== 0 || (poly !== 0 && e.y * w !== 0);
  // Three compensated sums: the loss, and the gradient's sums of G over all classes and all but the argmax.
  const sums = new Float64Array(6);
  const add = (k: number, x: number) => {
    const s = sums[k] + x;
    sums[k + 1] += sumError(sums[k], x, s);
    sums[k] = s;
  };
  for (let c = 0; c < classes; c++) {
    const e = term(c);
    if (!contributes(e)) continue;
    add(0, loss(e));
    const g = slope(e);
    add(2, g);
    if (c !== top) add(4, g);
  }
  const all = sums[2] + sums[3];
  const allButTop = sums[4] + sums[5];
  if (grad !== null) {
    for (let j = 0; j < classes; j++) {
      const e = term(j);
      const own = slope(e);
      grad[start + j] = params[GRAD_SCALE] * (own * e.q - e.p * (j === top ? allButTop : all - own));
    }
  }
  return Number.isFinite(sums[0]) ? sums[0] + sums[1] : sums[0];
}
