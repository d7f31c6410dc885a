import {
  addBlock, addToClass, BINARY_ALPHA, BLOCK, EPSILON, FROM_LOGITS, GAMMA, GRAD_SCALE, LOG_EPSILON, LOG_ONE_MINUS_EPSILON,
  SMOOTHING, type Frame, type Targets, type Values,
} from './frame.js';
import { clippedLog, clippedLogOneMinus, clippedOneMinus, clippedProbability, isClipped } from './math/clip.js';
import { focus, inLogSpace, isFine, logOneMinus, powerPlan } from './math/focus.js';

// Sigmoid focal loss over n rows of K elements (assembly/binary.ts): per element
//   alpha_t * w * (1 - p_t)^gamma * BCE,  p_t = p y + (1 - p)(1 - y),
//   alpha_t = alpha y + (1 - alpha)(1 - y) (1 when alpha < 0),
// with targets smoothed to y (1 - s) + s / 2, probabilities clipped (1 - p directly) and
// logits kept in log space (softplus). Gradient, with Q = 1 - p_t and BCE / Q -> 1 as Q -> 0:
//   d/dp = alpha_t w Q^gamma (-gamma (2y - 1) BCE / Q + (1 - y) / (1 - p) - y / p)
//   d/dx = alpha_t w Q^gamma ((1 - y) p - y (1 - p) - gamma (2y - 1) p (1 - p) BCE / Q)

export function binaryLoss(frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number): number {
  return binary(frame, pred, target, n, classes, null);
}

export function binaryLossGrad(
  frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number, grad: Values | null,
): number {
  return binary(frame, pred, target, n, classes, grad);
}

function binary(
  frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number, grad: Values | null,
): number {
  const params = frame.params;
  const { sampleWeights, losses, perClass } = frame;
  const fromLogits = params[FROM_LOGITS] !== 0;
  const alpha = params[BINARY_ALPHA];
  const keep = 1 - params[SMOOTHING];
  const spread = params[SMOOTHING] / 2;
  const gamma = params[GAMMA];
  const plan = powerPlan(gamma);
  const eps = params[EPSILON];
  const logEps = params[LOG_EPSILON];
  const logHigh = params[LOG_ONE_MINUS_EPSILON];
  let block = 0;
  let weightSum = 0;
  let inBlock = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeights === null ? 1 : sampleWeights[i];
    for (let k = 0; k < classes; k++) {
      const e = i * classes + k;
      const v = pred[e];
      const raw = target[e];
      if (fromLogits ? v !== v : !(v >= 0 && v <= 1)) return i;
      if (!(raw >= 0 && raw <= 1)) return i;
      const y = raw * keep + spread;
      let logP: number;
      let logQ: number;
      let p: number;
      let q: number;
      if (fromLogits) {
        // ln sigmoid(v) = -softplus(-v) and ln(1 - sigmoid(v)) = -softplus(v), each directly.
        const tail = Math.log1p(Math.exp(-Math.abs(v)));
        logP = -(Math.max(-v, 0) + tail);
        logQ = -(Math.max(v, 0) + tail);
        p = Math.exp(logP);
        q = Math.exp(logQ);
      } else {
        p = clippedProbability(v, eps);
        q = clippedOneMinus(v, eps);
        logP = clippedLog(v, eps, logHigh);
        logQ = clippedLogOneMinus(v, eps, logEps, logHigh);
      }
      // A zero target weight contributes nothing, never 0 * -Infinity.
      const bce = (y > 0 ? -y * logP : 0) + (y < 1 ? -(1 - y) * logQ : 0);
      const a = alpha < 0 ? 1 : alpha * y + (1 - alpha) * (1 - y);
      const t = a * w;
      const big = p * (1 - y) + q * y;
      const logBig = y === 1 || y === 0 || plan === 0 ? logOneMinusPt(y, p, q, logP, logQ, big) : NaN;
      const factor = focus(big, logBig, gamma, plan);
      const product = t * factor;
      const fine = isFine(factor, product);
      const loss = t === 0 ? 0 : fine ? product * bce : inLogSpace(bce, a, w, gamma, logOneMinusPt(y, p, q, logP, logQ, big));
      block += loss;
      if (++inBlock === BLOCK) {
        addBlock(params, block, 0, 0);
        block = inBlock = 0;
      }
      if (losses !== null) losses[e] = loss;
      if (perClass !== null) addToClass(perClass, k, loss, w);
      if (grad !== null) {
        let g = 0;
        if (t !== 0) {
          const ratio = big > 0 ? bce / big : 1;
          let slope = 0;
          // p q BCE / Q -> 0 where p q underflows (logits of +-Infinity included); gamma 0 drops the term.
          if (fromLogits) slope = (1 - y) * p - y * q - (p * q === 0 || gamma === 0 ? 0 : gamma * (2 * y - 1) * p * q * ratio);
          else if (!isClipped(v, eps)) slope = (gamma === 0 ? 0 : -gamma * (2 * y - 1) * ratio) + (1 - y) / q - y / p;
          slope *= params[GRAD_SCALE];
          g = fine ? product * slope : inLogSpace(slope, a, w, gamma, logOneMinusPt(y, p, q, logP, logQ, big));
        }
        grad[e] = g;
      }
    }
    weightSum += w * classes;
  }
  addBlock(params, block, n * classes, weightSum);
  return -1;
}

/** ln(1 - p_t) = ln Q: for hard targets the log already at hand, else from p_t or Q. */
function logOneMinusPt(y: number, p: number, q: number, logP: number, logQ: number, big: number): number {
  return y === 1 ? logQ : y === 0 ? logP : logOneMinus(p * y + q * (1 - y), big);
}
