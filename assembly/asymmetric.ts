import { elementRows, storeSlope } from './elements';
import { EPSILON, flag, FROM_LOGITS, GAMMA, GAMMA_NEG, GRAD_SCALE, LOG_EPSILON, LOG_ONE_MINUS_EPSILON, MARGIN, param } from './frame';
import { clippedLog, clippedLogOneMinus, clippedOneMinus, clippedProbability } from './math/clip';
import { focus, inLogSpace, isFine, powerPlan } from './math/focus';

// Asymmetric loss (Ridnik et al., ICCV 2021) over n rows of K elements (the loop is
// elements.ts'): predictions x (probabilities, or logits when FROM_LOGITS) against
// targets y in [0, 1], per element, with p = sigmoid(x) (or x), margin m and p_m = max(p - m, 0),
//   w * ( y (1 - p)^gamma+ * -ln p  +  (1 - y) p_m^gamma- * -ln(1 - p_m) ).
// Where p <= m (m > 0) the negative term and its derivative are exactly 0; m = 0 is the
// binary focal loss's negative term, derivative at p = 0 included. Logits stay in log space:
// ln p = -softplus(-x), 1 - p = sigmoid(-x), and ln(1 - p_m) is log1p(-p_m), or ln(q + m) once
// p_m >= 1/2, where 1 - p_m = q + m has no cancellation; so |x| up to 1000 and beyond needs no
// clamp. Probabilities are clipped to [eps, 1 - eps] first, 1 - p directly, as for binaryFocalLoss.
//
// Derivatives, with q = 1 - p, L = -ln(1 - p_m) and r = L / p_m (-> 1 as p_m -> 0):
//   d/dp = y q^gamma+ (gamma+ ln p / q - 1/p) + (1 - y) p_m^gamma- (gamma- r + 1 / (q + m)),
//   d/dx = y q^gamma+ (gamma+ p ln p - q) + (1 - y) p_m^gamma- p (gamma- r q + q / (q + m)),
// with q / (q + m) = 1 for m = 0. Gradients are 0 where the clip is active.

export function asymmetricLoss(frame: usize, pred: usize, target: usize, n: i32, classes: i32): i32 {
  return elementRows<Asymmetric>(frame, pred, target, n, classes, 0);
}

export function asymmetricLossGrad(frame: usize, pred: usize, target: usize, n: i32, classes: i32, grad: usize): i32 {
  return elementRows<Asymmetric>(frame, pred, target, n, classes, grad);
}

/** The asymmetric loss's element (elementRows). */
class Asymmetric {
  // @ts-ignore: decorator
  @inline element(frame: usize, x: f64, y: f64, w: f64, gradAt: usize, gradF32: bool): f64 {
    return element(frame, x, y, w, gradAt, gradF32);
  }
}

/**
 * One element's weighted loss, or NaN when x or y is invalid; its derivative, scaled by
 * GRAD_SCALE, goes to gradAt unless that is 0.
 */
function element(frame: usize, x: f64, y: f64, w: f64, gradAt: usize, gradF32: bool): f64 {
  const logits = flag(frame, FROM_LOGITS);
  if (logits ? x != x : !(x >= 0 && x <= 1)) return NaN;
  if (!(y >= 0 && y <= 1)) return NaN;
  const eps = param(frame, EPSILON);
  let logP: f64;
  let logQ: f64;
  let p: f64;
  let q: f64;
  if (logits) {
    const tail = Math.log1p(Math.exp(-Math.abs(x)));
    logP = -(max(-x, 0) + tail);
    logQ = -(max(x, 0) + tail);
    p = Math.exp(logP);
    q = Math.exp(logQ);
  } else {
    const logHigh = param(frame, LOG_ONE_MINUS_EPSILON);
    p = clippedProbability(x, eps);
    q = clippedOneMinus(x, eps);
    logP = clippedLog(x, eps, logHigh);
    logQ = clippedLogOneMinus(x, eps, param(frame, LOG_EPSILON), logHigh);
  }
  const withGrad = gradAt != 0;
  const moves = logits || !(x < eps || 1 - x < eps);
  const scale = param(frame, GRAD_SCALE);
  let loss: f64 = 0;
  let slope: f64 = 0;
  if (y > 0 && w != 0) {
    // y w q^gamma+ -ln p.
    const gamma = param(frame, GAMMA);
    const factor = focus(q, logQ, gamma, powerPlan(gamma));
    const product = y * w * factor;
    const fine = isFine(factor, product);
    loss = fine ? product * -logP : inLogSpace(-logP, y, w, gamma, logQ);
    if (withGrad && moves) {
      // p ln p -> 0 as p -> 0; ln p / q -> -1 as q -> 0.
      const s = scale * (logits ? (p == 0 ? 0 : gamma * p * logP) - q : (gamma == 0 ? 0 : gamma * (q == 0 ? -1 : logP / q)) - 1 / p);
      slope = fine ? product * s : inLogSpace(s, y, w, gamma, logQ);
    }
  }
  const margin = param(frame, MARGIN);
  const pm = p - margin;
  if (y < 1 && w != 0 && (pm > 0 || margin == 0)) {
    // (1 - y) w p_m^gamma- L, L = -ln(1 - p_m) = -ln(q + m).
    const gamma = param(frame, GAMMA_NEG);
    const logPm = margin == 0 ? logP : Math.log(pm);
    const big = margin == 0 ? -logQ : pm < 0.5 ? -Math.log1p(-pm) : -Math.log(q + margin);
    const factor = focus(pm, logPm, gamma, powerPlan(gamma));
    const product = (1 - y) * w * factor;
    const fine = isFine(factor, product);
    loss += fine ? product * big : inLogSpace(big, 1 - y, w, gamma, logPm);
    if (withGrad && moves) {
      const r = gamma == 0 ? 0 : gamma * (pm > 0 ? big / pm : 1);
      const s = scale * (logits ? p * (r * q + (margin == 0 ? 1 : q / (q + margin))) : r + 1 / (q + margin));
      slope += fine ? product * s : inLogSpace(s, 1 - y, w, gamma, logPm);
    }
  }
  storeSlope(gradAt, slope, gradF32);
  return loss;
}
