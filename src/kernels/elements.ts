import { addBlock, addToClass, BLOCK, EPSILON, LOG_EPSILON, LOG_ONE_MINUS_EPSILON, type Frame, type Targets } from './frame.js';
import { clippedLog, clippedLogOneMinus, clippedOneMinus, clippedProbability } from './math/clip.js';

// The element-wise kernels' loop (assembly/elements.ts): n rows of K predictions against K
// targets, one weight per row. `element` gives each element's weighted loss (NaN when its
// prediction or target is invalid) and writes its derivative; this adds the losses up, stores
// per-element losses and per-column sums where the frame asks, and counts every element.

/** Element e's weighted loss, from its prediction x, target y and row weight w. */
export type Element = (x: number, y: number, w: number, e: number) => number;

/** Returns -1, or the first row with an invalid element. */
export function elementRows(frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number, element: Element): number {
  const params = frame.params;
  const { sampleWeights, losses, perClass } = frame;
  let block = 0;
  let weightSum = 0;
  let inBlock = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeights === null ? 1 : sampleWeights[i];
    for (let k = 0; k < classes; k++) {
      const e = i * classes + k;
      const loss = element(pred[e], target[e], w, e);
      if (Number.isNaN(loss)) return i;
      block += loss;
      if (++inBlock === BLOCK) {
        addBlock(params, block, 0, 0);
        block = inBlock = 0;
      }
      if (losses !== null) losses[e] = loss;
      if (perClass !== null) addToClass(perClass, k, loss, w);
    }
    weightSum += w * classes;
  }
  addBlock(params, block, n * classes, weightSum);
  return -1;
}

/** p, 1 - p and their logs, for a prediction. */
export interface Sigmoid {
  p: number;
  q: number;
  logP: number;
  logQ: number;
}

/**
 * Fills `s` for prediction x, or returns false when x is not one: a logit (not NaN) kept in
 * log space, ln p = -softplus(-x) and ln(1 - p) = -softplus(x), each directly (so neither is a
 * difference of large numbers and 1 - p keeps its digits); or a probability in [0, 1], clipped
 * to [eps, 1 - eps] with 1 - p clipped on its own.
 */
export function sigmoid(s: Sigmoid, x: number, logits: boolean, params: Float64Array): boolean {
  if (logits) {
    if (x !== x) return false;
    const tail = Math.log1p(Math.exp(-Math.abs(x)));
    s.logP = -(Math.max(-x, 0) + tail);
    s.logQ = -(Math.max(x, 0) + tail);
    s.p = Math.exp(s.logP);
    s.q = Math.exp(s.logQ);
    return true;
  }
  if (!(x >= 0 && x <= 1)) return false;
  const eps = params[EPSILON];
  const logHigh = params[LOG_ONE_MINUS_EPSILON];
  s.p = clippedProbability(x, eps);
  s.q = clippedOneMinus(x, eps);
  s.logP = clippedLog(x, eps, logHigh);
  s.logQ = clippedLogOneMinus(x, eps, params[LOG_EPSILON], logHigh);
  return true;
}
