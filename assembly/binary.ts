import { clippedLog, clippedLogOneMinus, clippedOneMinus, clippedProbability } from './clip';
import { focus, powerPlan } from './focus';
import { pairwiseSum } from './summation';

/**
 * Sigmoid (binary) focal loss of n elements: predictions x[i] (probabilities, or logits
 * when fromLogits) against targets y[i] in [0, 1]:
 *   alpha_t * (1 - p_t)^gamma * BCE,  p_t = p y + (1 - p)(1 - y),
 *   alpha_t = alpha y + (1 - alpha)(1 - y) (1 when alpha < 0: no weighting).
 * Probabilities are clipped to [eps, 1 - eps] with 1 - p clipped directly; logits stay in
 * log space (softplus), so no logit overflows or is clipped. Writes out[i], returns the sum.
 */
export function binaryLoss(
  x: usize, y: usize, n: i32, alpha: f64, gamma: f64, eps: f64, fromLogits: bool, out: usize,
): f64 {
  const plan = powerPlan(gamma);
  const logEps = Math.log(eps);
  const logHigh = Math.log1p(-eps);
  for (let i = 0; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    const t = load<f64>(y + (<usize>i << 3));
    let logP: f64;
    let logQ: f64;
    let p: f64;
    let q: f64;
    if (fromLogits) {
      // ln sigmoid(v) = -softplus(-v) and ln(1 - sigmoid(v)) = -softplus(v), each computed
      // directly so that neither is a difference of large numbers.
      const tail = Math.log1p(Math.exp(-Math.abs(v)));
      logP = -(max(-v, 0) + tail);
      logQ = -(max(v, 0) + tail);
      p = Math.exp(logP);
      q = Math.exp(logQ);
    } else {
      p = clippedProbability(v, eps);
      q = clippedOneMinus(v, eps);
      logP = clippedLog(v, eps, logHigh);
      logQ = clippedLogOneMinus(v, eps, logEps, logHigh);
    }
    // A zero target weight contributes nothing, never 0 * -Inf.
    const bce = (t > 0 ? -t * logP : 0) + (t < 1 ? -(1 - t) * logQ : 0);
    const a = alpha < 0 ? 1 : alpha * t + (1 - alpha) * (1 - t);
    const w = focus(p * (1 - t) + q * t, gamma, plan);
    store<f64>(out + (<usize>i << 3), a == 0 || w == 0 ? 0 : a * w * bce);
  }
  return pairwiseSum(out, n);
}
