import {
  addBlock, addToClass, BLOCK, CLASS_WEIGHT_STRIDE, GAMMA, GRAD_SCALE, HAS_IGNORE, IGNORE_INDEX, STAT_CONFIDENCE, STAT_CROSS_ENTROPY,
  STAT_PREDICTED, STAT_PT, STATS_SLOTS, type Frame, type Targets, type Values,
} from './frame.js';
import { focus, inLogSpace, isFine, logOneMinus, powerPlan } from './math/focus.js';
import { expSumExcept, rowMax } from './math/softmax.js';

// Class-index targets with logits (assembly/logits.ts): one stable log-softmax per row,
//   m = max z,  rest = sum over j != t of e^(z_j - m),  total = e^(z_t - m) + rest,
//   ln p_t = z_t - m - ln total (-log1p(rest) when z_t is the max),  q = rest / total,
//   loss = alpha_t * w * q^gamma * -ln p_t,
//   d loss / d z_j = alpha_t w q^gamma (gamma p_t ln p_t / q - 1) (delta_tj - p_j),
// with q the off-target mass itself (never 1 - p_t) and delta_tt - p_t = q. With frame.stats,
// each row's argmax, its probability 1 / total, p_t and -ln p_t (an accumulator's diagnostics).

export function logitLoss(frame: Frame, pred: ArrayLike<number>, labels: Targets, n: number, classes: number): number {
  return logits(frame, pred, labels, n, classes, null);
}

export function logitLossGrad(
  frame: Frame, pred: ArrayLike<number>, labels: Targets, n: number, classes: number, grad: Values | null,
): number {
  return logits(frame, pred, labels, n, classes, grad);
}

function logits(
  frame: Frame, pred: ArrayLike<number>, labels: Targets, n: number, classes: number, grad: Values | null,
): number {
  const params = frame.params;
  const { classWeights, sampleWeights, losses, perClass, stats } = frame;
  const gamma = params[GAMMA];
  const plan = powerPlan(gamma);
  const hasIgnore = params[HAS_IGNORE] !== 0;
  const ignore = params[IGNORE_INDEX];
  const weightStride = params[CLASS_WEIGHT_STRIDE];
  const gradScale = params[GRAD_SCALE];
  let block = 0;
  let weightSum = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % BLOCK === 0) {
      addBlock(params, block, counted, weightSum);
      block = weightSum = counted = 0;
    }
    const label = labels[i];
    const start = i * classes;
    if (hasIgnore && label === ignore) {
      if (losses !== null) losses[i] = 0;
      if (stats !== null) stats[i * STATS_SLOTS + STAT_PREDICTED] = -1;
      if (grad !== null) grad.fill(0, start, start + classes);
      continue;
    }
    if (!(label >= 0 && label < classes)) return i;
    const max = rowMax(pred, start, classes);
    if (!(max < Infinity && max > -Infinity)) return i;
    const zt = pred[start + label];
    const rest = expSumExcept(pred, start, classes, label, max);
    const et = Math.exp(zt - max);
    const total = et + rest;
    const logP = zt === max ? -Math.log1p(rest) : zt - max - Math.log(total);
    const q = rest / total;
    const pt = et / total;
    const factor = focus(q, plan === 0 ? logOneMinus(pt, q) : 0, gamma, plan);
    const w = sampleWeights === null ? 1 : sampleWeights[i];
    const a = classWeights[label * weightStride];
    const t = a * w;
    const product = t * factor;
    const fine = isFine(factor, product);
    const loss = t === 0 ? 0 : fine ? product * (0 - logP) : inLogSpace(0 - logP, a, w, gamma, logOneMinus(pt, q));
    block += loss;
    weightSum += w;
    counted++;
    if (losses !== null) losses[i] = loss;
    if (perClass !== null) addToClass(perClass, label, loss, w);
    if (stats !== null) {
      let top = 0;
      while (pred[start + top] !== max) top++;
      const at = i * STATS_SLOTS;
      stats[at + STAT_PREDICTED] = top;
      stats[at + STAT_CONFIDENCE] = 1 / total;
      stats[at + STAT_PT] = pt;
      stats[at + STAT_CROSS_ENTROPY] = 0 - logP;
    }
    if (grad !== null) {
      const ratio = q === 0 ? -1 : logP / q;
      // p_t ln p_t / q -> 0 as p_t -> 0 (a target logit of -Infinity).
      const slope = gradScale * ((pt === 0 ? 0 : gamma * pt * ratio) - 1);
      const s = t === 0 ? 0 : fine ? product * slope : inLogSpace(slope, a, w, gamma, logOneMinus(pt, q));
      for (let c = 0; c < classes; c++) grad[start + c] = (-s / total) * Math.exp(pred[start + c] - max);
      grad[start + label] = s * q;
    }
  }
  addBlock(params, block, counted, weightSum);
  return -1;
}
