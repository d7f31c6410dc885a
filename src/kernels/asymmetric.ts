import { elementRows, sigmoid, type Sigmoid } from './elements.js';
import { EPSILON, FROM_LOGITS, GAMMA, GAMMA_NEG, GRAD_SCALE, MARGIN, type Frame, type Targets, type Values } from './frame.js';
import { isClipped } from './math/clip.js';
import { focus, inLogSpace, isFine, powerPlan } from './math/focus.js';

// Asymmetric loss (Ridnik et al., ICCV 2021; assembly/asymmetric.ts) over n rows of K
// elements (the loop is elements.ts'): with p = sigmoid(x) (or x), margin m and p_m = max(p - m, 0), per element
//   w * ( y (1 - p)^gamma+ * -ln p  +  (1 - y) p_m^gamma- * -ln(1 - p_m) ),
// the negative term and its derivative exactly 0 where p <= m (m > 0). Logits stay in log
// space (elements.ts' sigmoid); ln(1 - p_m) is log1p(-p_m), or ln(q + m) once p_m >= 1/2. Derivatives, with q = 1 - p, L = -ln(1 - p_m), r = L / p_m (-> 1 as p_m -> 0):
//   d/dp = y q^gamma+ (gamma+ ln p / q - 1/p) + (1 - y) p_m^gamma- (gamma- r + 1 / (q + m)),
//   d/dx = y q^gamma+ (gamma+ p ln p - q) + (1 - y) p_m^gamma- p (gamma- r q + q / (q + m)),
// q / (q + m) being 1 for m = 0; 0 where the clip is active.

export function asymmetricLoss(frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number): number {
  return asymmetric(frame, pred, target, n, classes, null);
}

export function asymmetricLossGrad(
  frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number, grad: Values | null,
): number {
  return asymmetric(frame, pred, target, n, classes, grad);
}

function asymmetric(
  frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number, grad: Values | null,
): number {
  const params = frame.params;
  const logits = params[FROM_LOGITS] !== 0;
  const eps = params[EPSILON];
  const gammaPos = params[GAMMA];
  const gammaNeg = params[GAMMA_NEG];
  const planPos = powerPlan(gammaPos);
  const planNeg = powerPlan(gammaNeg);
  const margin = params[MARGIN];
  const scale = params[GRAD_SCALE];
  const s: Sigmoid = { p: 0, q: 0, logP: 0, logQ: 0 };
  return elementRows(frame, pred, target, n, classes, (x, y, w, e) => {
    if (!sigmoid(s, x, logits, params) || !(y >= 0 && y <= 1)) return NaN;
    const { p, q, logP, logQ } = s;
    const moves = logits || !isClipped(x, eps);
    let loss = 0;
    let slope = 0;
    if (y > 0 && w !== 0) {
      // y w q^gamma+ -ln p.
      const factor = focus(q, logQ, gammaPos, planPos);
      const product = y * w * factor;
      const fine = isFine(factor, product);
      loss = fine ? product * -logP : inLogSpace(-logP, y, w, gammaPos, logQ);
      if (grad !== null && moves) {
        // p ln p -> 0 as p -> 0; ln p / q -> -1 as q -> 0.
        const d = scale * (logits
          ? (p === 0 ? 0 : gammaPos * p * logP) - q
          : (gammaPos === 0 ? 0 : gammaPos * (q === 0 ? -1 : logP / q)) - 1 / p);
        slope = fine ? product * d : inLogSpace(d, y, w, gammaPos, logQ);
      }
    }
    const pm = p - margin;
    if (y < 1 && w !== 0 && (pm > 0 || margin === 0)) {
      // (1 - y) w p_m^gamma- L, L = -ln(1 - p_m) = -ln(q + m).
      const logPm = margin === 0 ? logP : Math.log(pm);
      const big = margin === 0 ? -logQ : pm < 0.5 ? -Math.log1p(-pm) : -Math.log(q + margin);
      const factor = focus(pm, logPm, gammaNeg, planNeg);
      const product = (1 - y) * w * factor;
      const fine = isFine(factor, product);
      loss += fine ? product * big : inLogSpace(big, 1 - y, w, gammaNeg, logPm);
      if (grad !== null && moves) {
        const r = gammaNeg === 0 ? 0 : gammaNeg * (pm > 0 ? big / pm : 1);
        const d = scale * (logits ? p * (r * q + (margin === 0 ? 1 : q / (q + margin))) : r + 1 / (q + margin));
        slope += fine ? product * d : inLogSpace(d, 1 - y, w, gammaNeg, logPm);
      }
    }
    if (grad !== null) grad[e] = slope;
    return loss;
  });
}
