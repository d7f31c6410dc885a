import { inLogSpace, isFine, logOneMinus } from './focus.js';

// Poly-1 (Leng et al., ICLR 2022), as in assembly/math/poly.ts: each focal term a w q^gamma L
// (q = 1 - p_t, L = -ln p_t or the binary cross-entropy) gets eps w q^(gamma + 1) added; a
// weighs the focal term only. With eps < 0 the two can cancel (L ~ q as p_t -> 1): there the
// sum is formed as w q^gamma (a (L - q) + (a + eps) q), with L - q from a series, and their
// derivatives, which cancel alike, are regrouped alike (polySlope).

/** A sum is formed again when its terms cancel down to below 1/64 of their sizes (6 bits lost). */
const CANCELLATION = 64;
/** Below this u, -ln(1 - u) - u comes from its series. */
const SERIES_END = 0.00390625;
const SMALLEST_NORMAL = 2.2250738585072014e-308;

/** eps w q^(gamma + 1); factor is q^gamma and pt = 1 - q. In log space where the product is not a normal number. */
export function polyTerm(eps: number, w: number, pt: number, q: number, factor: number, gamma: number): number {
  const term = eps * (w * (factor * q));
  const size = Math.abs(term);
  if (factor >= SMALLEST_NORMAL && size >= SMALLEST_NORMAL && size < Infinity) return term;
  return inLogSpace(eps, 1, w, gamma + 1, logOneMinus(pt, q));
}

/**
 * Whether sum = x + y (the focal and the Poly-1 part of a term or of its derivative) lost more
 * than 6 bits, and regrouping gets them back: a + eps cancels too, as the parts tend to a q and
 * eps q when p_t -> 1. Elsewhere such a sum sits near a root of the loss, which no arrangement
 * of the arithmetic computes better.
 */
export function regroup(x: number, y: number, sum: number, a: number, eps: number): boolean {
  return Math.abs(sum) * CANCELLATION < Math.abs(x) + Math.abs(y) && Math.abs(a + eps) * CANCELLATION < a + Math.abs(eps);
}

/** w q^gamma m, in log space where w q^gamma is not a normal number. */
export function scaled(m: number, w: number, pt: number, q: number, factor: number, gamma: number): number {
  const wf = w * factor;
  return isFine(factor, wf) ? wf * m : inLogSpace(m, 1, w, gamma, logOneMinus(pt, q));
}

/** -ln(1 - u) - u >= 0, given negLog = -ln(1 - u), to full relative accuracy. */
export function logExcess(u: number, negLog: number): number {
  // Past SERIES_END the difference loses at most 9 bits; below, the series to u^8 / 8 is
  // exact to 2^-57 of its sum.
  if (u >= SERIES_END) return negLog - u;
  return u * u * (0.5 + u * (1 / 3 + u * (0.25 + u * (0.2 + u * (1 / 6 + u * (1 / 7 + u * 0.125))))));
}

/**
 * The bracket of a class term's derivative with Poly-1, regrouped so that nothing cancels
 * while a + eps >= 0: d/dp of a q^gamma L + eps q^(gamma + 1) over q^gamma is
 *   a (gamma ln p / q - 1/p) - eps (gamma + 1) = -a (gamma (L - q) / q + q / p) - (a + eps)(gamma + 1),
 * and d/d ln p (logits) is p times that: -a (gamma p (L - q) / q + q) - (a + eps)(gamma + 1) p.
 */
export function polySlope(a: number, eps: number, gamma: number, p: number, q: number, negLogP: number, logits: boolean): number {
  // (L - q) / q -> 0 as q -> 0.
  const e = gamma === 0 || q === 0 ? 0 : gamma * (logExcess(q, negLogP) / q);
  return logits ? -a * (e * p + q) - (a + eps) * (gamma + 1) * p : -a * (e + q / p) - (a + eps) * (gamma + 1);
}

/** A class term's derivative with Poly-1: focal's plus poly's, formed again from polySlope where the two cancel. */
export function slopeWithPoly(
  focal: number, poly: number, scale: number, a: number, eps: number, w: number, pt: number, q: number, negLogP: number,
  factor: number, gamma: number, logits: boolean,
): number {
  const sum = focal + poly;
  if (!regroup(focal, poly, sum, a, eps)) return sum;
  return scaled(scale * polySlope(a, eps, gamma, pt, q, negLogP, logits), w, pt, q, factor, gamma);
}

/** A class term with Poly-1: focal (a w q^gamma L) plus eps w q^(gamma + 1), regrouped where they cancel. */
export function withPoly(
  focal: number, a: number, w: number, pt: number, q: number, negLogP: number, factor: number, gamma: number, eps: number,
): number {
  const term = polyTerm(eps, w, pt, q, factor, gamma);
  const sum = focal + term;
  if (!regroup(focal, term, sum, a, eps)) return sum;
  return scaled((a + eps) * q + a * logExcess(q, negLogP), w, pt, q, factor, gamma);
}
