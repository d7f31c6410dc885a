import { elementRows, sigmoid, type Sigmoid } from './elements.js';
import {
  BINARY_ALPHA, EPSILON, FROM_LOGITS, GAMMA, GRAD_SCALE, POLY1, SMOOTHING, type Frame, type Targets, type Values,
} from './frame.js';
import { isClipped } from './math/clip.js';
import { focus, inLogSpace, isFine, logOneMinus, powerPlan } from './math/focus.js';
import { logExcess, polyTerm, regroup, scaled } from './math/poly.js';

// Sigmoid focal loss over n rows of K elements (assembly/binary.ts; the loop is elements.ts'): per element
//   alpha_t * w * (1 - p_t)^gamma * BCE  [+ eps w (1 - p_t)^(gamma + 1), Poly-1],  p_t = p y + (1 - p)(1 - y),
//   alpha_t = alpha y + (1 - alpha)(1 - y) (1 when alpha < 0),
// with targets smoothed to y (1 - s) + s / 2, probabilities clipped (1 - p directly) and
// logits kept in log space (softplus). Gradient, with Q = 1 - p_t and BCE / Q -> 1 as Q -> 0:
//   d/dp = alpha_t w Q^gamma (-gamma (2y - 1) BCE / Q + (1 - y) / (1 - p) - y / p)
//   d/dx = alpha_t w Q^gamma ((1 - y) p - y (1 - p) - gamma (2y - 1) p (1 - p) BCE / Q)
// and Poly-1's term adds eps (gamma + 1) w Q^gamma (1 - 2y) to d/dp, times p (1 - p) to d/dx.

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
  const fromLogits = params[FROM_LOGITS] !== 0;
  const alpha = params[BINARY_ALPHA];
  const keep = 1 - params[SMOOTHING];
  const spread = params[SMOOTHING] / 2;
  const gamma = params[GAMMA];
  const plan = powerPlan(gamma);
  const eps = params[EPSILON];
  const poly = params[POLY1];
  const scale = params[GRAD_SCALE];
  const s: Sigmoid = { p: 0, q: 0, logP: 0, logQ: 0 };
  return elementRows(frame, pred, target, n, classes, (v, raw, w, e) => {
    if (!sigmoid(s, v, fromLogits, params) || !(raw >= 0 && raw <= 1)) return NaN;
    const { p, q, logP, logQ } = s;
    const y = raw * keep + spread;
    // A zero target weight contributes nothing, never 0 * -Infinity.
    const bce = (y > 0 ? -y * logP : 0) + (y < 1 ? -(1 - y) * logQ : 0);
    const a = alpha < 0 ? 1 : alpha * y + (1 - alpha) * (1 - y);
    const t = a * w;
    const big = p * (1 - y) + q * y;
    const logBig = y === 1 || y === 0 || plan === 0 ? logOneMinusPt(y, p, q, logP, logQ, big) : NaN;
    const factor = focus(big, logBig, gamma, plan);
    const product = t * factor;
    const fine = isFine(factor, product);
    let loss = t === 0 ? 0 : fine ? product * bce : inLogSpace(bce, a, w, gamma, logOneMinusPt(y, p, q, logP, logQ, big));
    if (poly !== 0) {
      const pt = p * y + q * (1 - y);
      const term = polyTerm(poly, w, pt, big, factor, gamma);
      const sum = loss + term;
      loss = regroup(loss, term, sum, a, poly) ? scaled((a + poly) * big + a * excess(y, p, q, logP, logQ), w, pt, big, factor, gamma) : sum;
    }
    if (grad === null) return loss;
    let g = 0;
    const moves = fromLogits || !isClipped(v, eps);
    if (t !== 0) {
      const ratio = big > 0 ? bce / big : 1;
      let slope = 0;
      // p q BCE / Q -> 0 where p q underflows (logits of +-Infinity included); gamma 0 drops the term.
      if (fromLogits) slope = (1 - y) * p - y * q - (p * q === 0 || gamma === 0 ? 0 : gamma * (2 * y - 1) * p * q * ratio);
      // A target of 0 or 1 drops the part that would be 0 / 0 at p = 0 or 1 (epsilon 0).
      else if (moves) slope = (gamma === 0 ? 0 : -gamma * (2 * y - 1) * ratio) + (y < 1 ? (1 - y) / q : 0) - (y > 0 ? y / p : 0);
      slope *= scale;
      g = fine ? product * slope : inLogSpace(slope, a, w, gamma, logOneMinusPt(y, p, q, logP, logQ, big));
    }
    if (poly !== 0 && w !== 0 && moves) {
      const pt = p * y + q * (1 - y);
      const term = scaled(scale * poly * (gamma + 1) * (1 - 2 * y) * (fromLogits ? p * q : 1), w, pt, big, factor, gamma);
      const sum = g + term;
      g = regroup(g, term, sum, a, poly) ? scaled(scale * polySlope(a, poly, gamma, y, p, q, logP, logQ, big, fromLogits), w, pt, big, factor, gamma) : sum;
    }
    grad[e] = g;
    return loss;
  });
}

/** BCE - Q = y (-ln p - q) + (1 - y)(-ln q - p), each part >= 0: what is left of BCE where Poly-1's eps Q cancels it. */
function excess(y: number, p: number, q: number, logP: number, logQ: number): number {
  return (y > 0 ? y * logExcess(q, -logP) : 0) + (y < 1 ? (1 - y) * logExcess(p, -logQ) : 0);
}

/**
 * The derivative's bracket with Poly-1 (over w Q^gamma), regrouped as for the loss, with
 * s = 1 - 2y = dQ/dp and E = BCE - Q:
 *   d/dp: a (gamma s E / Q - y q / p + (1 - y) p / q) + (a + eps)(gamma + 1) s,
 *   d/dx: a (gamma s E p q / Q - y q^2 + (1 - y) p^2) + (a + eps)(gamma + 1) s p q.
 */
function polySlope(
  a: number, eps: number, gamma: number, y: number, p: number, q: number, logP: number, logQ: number, big: number, logits: boolean,
): number {
  const s = 1 - 2 * y;
  // E / Q -> 0 as Q -> 0.
  const r = gamma === 0 || big === 0 ? 0 : gamma * s * (excess(y, p, q, logP, logQ) / big);
  if (logits) return a * (r * p * q - y * q * q + (1 - y) * p * p) + (a + eps) * (gamma + 1) * s * p * q;
  // A target of 0 or 1 drops the part that would be 0 * Infinity at p = 1 or 0.
  return a * (r - (y > 0 ? (y * q) / p : 0) + (y < 1 ? ((1 - y) * p) / q : 0)) + (a + eps) * (gamma + 1) * s;
}

/** ln(1 - p_t) = ln Q: for hard targets the log already at hand, else from p_t or Q. */
function logOneMinusPt(y: number, p: number, q: number, logP: number, logQ: number, big: number): number {
  return y === 1 ? logQ : y === 0 ? logP : logOneMinus(p * y + q * (1 - y), big);
}
