import { elementRows, storeSlope } from './elements';
import {
  BINARY_ALPHA, EPSILON, flag, FROM_LOGITS, GAMMA, GRAD_SCALE, LOG_EPSILON, LOG_ONE_MINUS_EPSILON, param, POLY1, SMOOTHING,
} from './frame';
import { clippedLog, clippedLogOneMinus, clippedOneMinus, clippedProbability } from './math/clip';
import { focus, inLogSpace, isFine, logOneMinus, powerPlan } from './math/focus';
import { logExcess, polyTerm, regroup, scaled } from './math/poly';

// Sigmoid (binary, multi-label) focal loss over n rows of K elements (K = 1: flat input; the
// loop is elements.ts'): predictions x (probabilities, or logits when FROM_LOGITS) against
// targets y in [0, 1] (smoothed here to y (1 - s) + s / 2), per element
//   alpha_t * w * (1 - p_t)^gamma * BCE  [+ eps w (1 - p_t)^(gamma + 1), Poly-1],
//   p_t = p y + (1 - p)(1 - y),  alpha_t = alpha y + (1 - alpha)(1 - y) (1 when alpha < 0).
// Probabilities are clipped to [eps, 1 - eps] with 1 - p clipped directly; logits stay in
// log space (softplus), so neither ln p nor ln(1 - p) is a difference of large numbers and
// 1 - p = sigmoid(-x) keeps its digits.
//
// Gradient, with Q = 1 - p_t and the ratio BCE / Q (-> 1 as Q -> 0 for hard targets):
//   d/dp = alpha_t w Q^gamma (-gamma (2y - 1) BCE / Q + (1 - y) / (1 - p) - y / p)
//   d/dx = alpha_t w Q^gamma ((1 - y) p - y (1 - p) - gamma (2y - 1) p (1 - p) BCE / Q)
// and Poly-1's term adds eps (gamma + 1) w Q^gamma (1 - 2y) to d/dp, times p (1 - p) to d/dx.

export function binaryLoss(frame: usize, pred: usize, target: usize, n: i32, classes: i32): i32 {
  return elementRows<Binary>(frame, pred, target, n, classes, 0);
}

export function binaryLossGrad(frame: usize, pred: usize, target: usize, n: i32, classes: i32, grad: usize): i32 {
  return elementRows<Binary>(frame, pred, target, n, classes, grad);
}

/** binaryFocalLoss's element (elementRows). */
class Binary {
  // @ts-ignore: decorator
  @inline element(frame: usize, v: f64, raw: f64, w: f64, gradAt: usize, gradF32: bool): f64 {
    return element(frame, v, raw, w, gradAt, gradF32);
  }
}

/**
 * One element's weighted loss, or NaN when its prediction or target is invalid; its derivative,
 * scaled by GRAD_SCALE, goes to gradAt unless that is 0.
 */
function element(frame: usize, v: f64, raw: f64, w: f64, gradAt: usize, gradF32: bool): f64 {
  const fromLogits = flag(frame, FROM_LOGITS);
  if (fromLogits ? v != v : !(v >= 0 && v <= 1)) return NaN;
  if (!(raw >= 0 && raw <= 1)) return NaN;
  const alpha = param(frame, BINARY_ALPHA);
  const y = raw * (1 - param(frame, SMOOTHING)) + param(frame, SMOOTHING) / 2;
  const gamma = param(frame, GAMMA);
  const plan = powerPlan(gamma);
  const eps = param(frame, EPSILON);
  const poly = param(frame, POLY1);
  let logP: f64;
  let logQ: f64;
  let p: f64;
  let q: f64;
  if (fromLogits) {
    const tail = Math.log1p(Math.exp(-Math.abs(v)));
    logP = -(max(-v, 0) + tail);
    logQ = -(max(v, 0) + tail);
    p = Math.exp(logP);
    q = Math.exp(logQ);
  } else {
    const logHigh = param(frame, LOG_ONE_MINUS_EPSILON);
    p = clippedProbability(v, eps);
    q = clippedOneMinus(v, eps);
    logP = clippedLog(v, eps, logHigh);
    logQ = clippedLogOneMinus(v, eps, param(frame, LOG_EPSILON), logHigh);
  }
  // A zero target weight contributes nothing, never 0 * -Inf.
  const bce = (y > 0 ? -y * logP : 0) + (y < 1 ? -(1 - y) * logQ : 0);
  const a = alpha < 0 ? 1 : alpha * y + (1 - alpha) * (1 - y);
  const t = a * w;
  const big = p * (1 - y) + q * y;
  const logBig = y == 1 || y == 0 || plan == 0 ? logOneMinusPt(y, p, q, logP, logQ, big) : 0;
  const factor = focus(big, logBig, gamma, plan);
  const product = t * factor;
  const fine = isFine(factor, product);
  let loss = t == 0 ? 0 : fine ? product * bce : inLogSpace(bce, a, w, gamma, logOneMinusPt(y, p, q, logP, logQ, big));
  if (poly != 0) {
    const pt = p * y + q * (1 - y);
    const term = polyTerm(poly, w, pt, big, factor, gamma);
    const sum = loss + term;
    loss = regroup(loss, term, sum, a, poly) ? scaled((a + poly) * big + a * excess(y, p, q, logP, logQ), w, pt, big, factor, gamma) : sum;
  }
  if (gradAt == 0) return loss;
  const gradScale = param(frame, GRAD_SCALE);
  let g: f64 = 0;
  const moves = fromLogits || !(v < eps || 1 - v < eps);
  if (t != 0) {
    const ratio = big > 0 ? bce / big : 1;
    let slope: f64 = 0;
    // p q BCE / Q -> 0 where p q underflows (logits of +-Infinity included); gamma 0 drops the term.
    if (fromLogits) slope = (1 - y) * p - y * q - (p * q == 0 || gamma == 0 ? 0 : gamma * (2 * y - 1) * p * q * ratio);
    // A target of 0 or 1 drops the part that would be 0 / 0 at p = 0 or 1 (epsilon 0).
    else if (moves) slope = (gamma == 0 ? 0 : -gamma * (2 * y - 1) * ratio) + (y < 1 ? (1 - y) / q : 0) - (y > 0 ? y / p : 0);
    slope *= gradScale;
    g = fine ? product * slope : inLogSpace(slope, a, w, gamma, logOneMinusPt(y, p, q, logP, logQ, big));
  }
  if (poly != 0 && w != 0 && moves) {
    const pt = p * y + q * (1 - y);
    const term = scaled(gradScale * poly * (gamma + 1) * (1 - 2 * y) * (fromLogits ? p * q : 1), w, pt, big, factor, gamma);
    const sum = g + term;
    g = regroup(g, term, sum, a, poly) ? scaled(gradScale * polySlope(a, poly, gamma, y, p, q, logP, logQ, big, fromLogits), w, pt, big, factor, gamma) : sum;
  }
  storeSlope(gradAt, g, gradF32);
  return loss;
}

/**
 * BCE - Q = y (-ln p - q) + (1 - y)(-ln q - p), each part >= 0 (-ln x >= 1 - x): what is left
 * of the focal term's BCE where Poly-1's eps Q cancels it.
 */
function excess(y: f64, p: f64, q: f64, logP: f64, logQ: f64): f64 {
  return (y > 0 ? y * logExcess(q, -logP) : 0) + (y < 1 ? (1 - y) * logExcess(p, -logQ) : 0);
}

/**
 * The derivative's bracket with Poly-1 (over w Q^gamma) regrouped as for the loss, with
 * s = 1 - 2y = dQ/dp and E = BCE - Q:
 *   d/dp: a (gamma s E / Q - y q / p + (1 - y) p / q) + (a + eps)(gamma + 1) s,
 *   d/dx: a (gamma s E p q / Q - y q^2 + (1 - y) p^2) + (a + eps)(gamma + 1) s p q.
 */
function polySlope(a: f64, eps: f64, gamma: f64, y: f64, p: f64, q: f64, logP: f64, logQ: f64, big: f64, logits: bool): f64 {
  const s = 1 - 2 * y;
  // E / Q -> 0 as Q -> 0.
  const r = gamma == 0 || big == 0 ? 0 : gamma * s * (excess(y, p, q, logP, logQ) / big);
  if (logits) return a * (r * p * q - y * q * q + (1 - y) * p * p) + (a + eps) * (gamma + 1) * s * p * q;
  // A target of 0 or 1 drops the part that would be 0 * Infinity at p = 1 or 0.
  return a * (r - (y > 0 ? y * q / p : 0) + (y < 1 ? (1 - y) * p / q : 0)) + (a + eps) * (gamma + 1) * s;
}

/** ln(1 - p_t) = ln Q: for hard targets the log already at hand, else from p_t or Q. */
// @ts-ignore: decorator
@inline
function logOneMinusPt(y: f64, p: f64, q: f64, logP: f64, logQ: f64, big: f64): f64 {
  return y == 1 ? logQ : y == 0 ? logP : logOneMinus(p * y + q * (1 - y), big);
}
