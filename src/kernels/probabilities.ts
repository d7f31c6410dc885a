import {
  addBlock, addToClass, BLOCK, EPSILON, GAMMA, GRAD_SCALE, HAS_IGNORE, IGNORE_INDEX, LOG_EPSILON, LOG_ONE_MINUS_EPSILON,
  CLASS_WEIGHT_STRIDE, POLY1, type Frame, type Targets, type Values,
} from './frame.js';
import { clippedLog, clippedLogOneMinus, clippedOneMinus, clippedProbability, isClipped } from './math/clip.js';
import { focus, inLogSpace, isFine, powerPlan } from './math/focus.js';
import { scaled, slopeWithPoly, withPoly } from './math/poly.js';

// Class-index targets with probabilities (assembly/probabilities.ts): sample i reads p_t,
//   loss = alpha_t * w_i * (1 - p_t)^gamma * -ln p_t  [+ eps w_i (1 - p_t)^(gamma + 1), Poly-1],
// p_t clipped to [eps, 1 - eps],
// and its gradient row is 0 but for d loss / d p_t (0 where the clip is active). Rows:
// pred holds n rows of `classes` values; gathered: pred[i] is p_t itself.

export function probabilityLoss(frame: Frame, pred: ArrayLike<number>, labels: Targets, n: number, classes: number): number {
  return probabilities(frame, pred, labels, n, classes, null, false);
}

export function probabilityLossGrad(
  frame: Frame, pred: ArrayLike<number>, labels: Targets, n: number, classes: number, grad: Values | null,
): number {
  return probabilities(frame, pred, labels, n, classes, grad, false);
}

export function gatheredLoss(frame: Frame, pred: ArrayLike<number>, labels: Targets, n: number, classes: number): number {
  return probabilities(frame, pred, labels, n, classes, null, true);
}

export function gatheredLossGrad(
  frame: Frame, pred: ArrayLike<number>, labels: Targets, n: number, classes: number, grad: Values | null,
): number {
  return probabilities(frame, pred, labels, n, classes, grad, true);
}

function probabilities(
  frame: Frame, pred: ArrayLike<number>, labels: Targets, n: number, classes: number, grad: Values | null,
  gathered: boolean,
): number {
  const params = frame.params;
  const { classWeights, sampleWeights, losses, perClass } = frame;
  const gamma = params[GAMMA];
  const plan = powerPlan(gamma);
  const eps = params[EPSILON];
  const logEps = params[LOG_EPSILON];
  const logHigh = params[LOG_ONE_MINUS_EPSILON];
  const hasIgnore = params[HAS_IGNORE] !== 0;
  const ignore = params[IGNORE_INDEX];
  const weightStride = params[CLASS_WEIGHT_STRIDE];
  const gradScale = params[GRAD_SCALE];
  const poly = params[POLY1];
  const gradRow = gathered ? 1 : classes;
  let block = 0;
  let weightSum = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % BLOCK === 0) {
      addBlock(params, block, counted, weightSum);
      block = weightSum = counted = 0;
    }
    const label = labels[i];
    if (grad !== null) grad.fill(0, i * gradRow, (i + 1) * gradRow);
    if (hasIgnore && label === ignore) {
      if (losses !== null) losses[i] = 0;
      continue;
    }
    if (!(label >= 0 && label < classes)) return i;
    const p = pred[gathered ? i : i * classes + label];
    if (!(p >= 0 && p <= 1)) return i;
    const w = sampleWeights === null ? 1 : sampleWeights[i];
    const a = classWeights[label * weightStride];
    const t = a * w;
    const logQ = plan === 0 ? clippedLogOneMinus(p, eps, logEps, logHigh) : NaN;
    const factor = focus(clippedOneMinus(p, eps), logQ, gamma, plan);
    const product = t * factor;
    const fine = isFine(factor, product);
    const negLogP = 0 - clippedLog(p, eps, logHigh);
    let loss = t === 0 ? 0 : fine ? product * negLogP : inLogSpace(negLogP, a, w, gamma, clippedLogOneMinus(p, eps, logEps, logHigh));
    if (poly !== 0) loss = withPoly(loss, a, w, clippedProbability(p, eps), clippedOneMinus(p, eps), negLogP, factor, gamma, poly);
    block += loss;
    weightSum += w;
    counted++;
    if (losses !== null) losses[i] = loss;
    if (perClass !== null) addToClass(perClass, label, loss, w);
    if (grad !== null && !isClipped(p, eps)) {
      // (1 - p)^gamma (gamma ln p / (1 - p) - 1/p): ln p / (1 - p) -> -1 as p -> 1, so
      // this stays finite for every gamma, also below 1.
      const q = 1 - p;
      const ratio = q === 0 ? -1 : Math.log(p) / q;
      const slope = gradScale * (gamma === 0 ? -1 / p : gamma * ratio - 1 / p);
      let g = t === 0 ? 0 : fine ? product * slope : inLogSpace(slope, a, w, gamma, Math.log1p(-p));
      if (poly !== 0 && w !== 0) {
        // d/dp of eps w (1 - p)^(gamma + 1).
        const term = scaled(-gradScale * poly * (gamma + 1), w, p, q, factor, gamma);
        g = slopeWithPoly(g, term, gradScale, a, poly, w, p, q, negLogP, factor, gamma, false);
      }
      grad[gathered ? i : i * classes + label] = g;
    }
  }
  addBlock(params, block, counted, weightSum);
  return -1;
}
