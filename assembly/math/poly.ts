import { inLogSpace, isFine, logOneMinus } from './focus';
import { INFINITY, lanes, SIXTY_FOUR, SMALLEST_NORMAL as SMALLEST_NORMAL_LANES } from './lanes';

// Poly-1 (Leng et al., ICLR 2022): each focal term a w q^gamma L (q = 1 - p_t, L = -ln p_t,
// or the binary cross-entropy) gets eps w q^(gamma + 1) added; a weighs the focal term only.
// With eps < 0 the two terms can cancel: as p_t -> 1, L ~ q, so for a = -eps their sum is
// w q^gamma (a (L - q) + (a + eps) q), and it is formed that way, with L - q from a series
// where the plain difference would lose digits. Their derivatives cancel alike, and are
// regrouped alike (polySlope). A kernel runs one of two instantiations of its fast loops,
// with and without the term, so eps = 0 costs nothing.

/** Whether a kernel's loop adds the Poly-1 term: an instance of Plain or Poly1 says, at compile time. */
export class Plain {
  // @ts-ignore: decorator
  @inline get on(): bool { return false; }
}
export class Poly1 {
  // @ts-ignore: decorator
  @inline get on(): bool { return true; }
}

/** A sum is formed again when its terms cancel down to below 1/64 of their sizes (6 bits lost). */
// @ts-ignore: decorator
@inline export const CANCELLATION: f64 = 64;

/** Below this u, -ln(1 - u) - u comes from its series. */
const SERIES_END: f64 = 0.00390625;

/**
 * eps w q^(gamma + 1); factor is q^gamma and pt = 1 - q. In log space where the direct
 * product is not a normal number.
 */
export function polyTerm(eps: f64, w: f64, pt: f64, q: f64, factor: f64, gamma: f64): f64 {
  const term = eps * (w * (factor * q));
  const size = abs(term);
  if (factor >= SMALLEST_NORMAL && size >= SMALLEST_NORMAL && size < Infinity) return term;
  return inLogSpace(eps, 1, w, gamma + 1, logOneMinus(pt, q));
}

/**
 * Whether sum = x + y (the focal and the Poly-1 part of a term or of its derivative) lost more
 * than 6 bits, and regrouping gets them back: a + eps cancels too, as the parts tend to a q and
 * eps q when p_t -> 1. Elsewhere such a sum sits near a root of the loss, which no arrangement
 * of the arithmetic computes better.
 */
// @ts-ignore: decorator
@inline
export function regroup(x: f64, y: f64, sum: f64, a: f64, eps: f64): bool {
  return abs(sum) * CANCELLATION < abs(x) + abs(y) && abs(a + eps) * CANCELLATION < a + abs(eps);
}

/** w q^gamma m, in log space where w q^gamma is not a normal number. */
export function scaled(m: f64, w: f64, pt: f64, q: f64, factor: f64, gamma: f64): f64 {
  const wf = w * factor;
  return isFine(factor, wf) ? wf * m : inLogSpace(m, 1, w, gamma, logOneMinus(pt, q));
}

/** -ln(1 - u) - u >= 0, given negLog = -ln(1 - u), to full relative accuracy. */
export function logExcess(u: f64, negLog: f64): f64 {
  // Past SERIES_END the difference loses at most 9 bits; below, the series to u^8 / 8 is
  // exact to 2^-57 of its sum.
  if (u >= SERIES_END) return negLog - u;
  return u * u * (0.5 + u * (1.0 / 3 + u * (0.25 + u * (0.2 + u * (1.0 / 6 + u * (1.0 / 7 + u * 0.125))))));
}

/**
 * The bracket of a class term's derivative with Poly-1, regrouped so that nothing cancels
 * while a + eps >= 0: d/dp of a q^gamma L + eps q^(gamma + 1) over q^gamma is
 *   a (gamma ln p / q - 1/p) - eps (gamma + 1) = -a (gamma (L - q) / q + q / p) - (a + eps)(gamma + 1),
 * and d/d ln p (logits) is p times that: -a (gamma p (L - q) / q + q) - (a + eps)(gamma + 1) p.
 */
export function polySlope(a: f64, eps: f64, gamma: f64, p: f64, q: f64, negLogP: f64, logits: bool): f64 {
  // (L - q) / q -> 0 as q -> 0.
  const e = gamma == 0 || q == 0 ? 0 : gamma * (logExcess(q, negLogP) / q);
  return logits ? -a * (e * p + q) - (a + eps) * (gamma + 1) * p : -a * (e + q / p) - (a + eps) * (gamma + 1);
}

/**
 * A class term's derivative with Poly-1: focal's plus poly's (both at hand), formed again from
 * polySlope, times scale w q^gamma, where the two cancel.
 */
export function slopeWithPoly(
  focal: f64, poly: f64, scale: f64, a: f64, eps: f64, w: f64, pt: f64, q: f64, negLogP: f64, factor: f64, gamma: f64,
  logits: bool,
): f64 {
  const sum = focal + poly;
  if (!regroup(focal, poly, sum, a, eps)) return sum;
  return scaled(scale * polySlope(a, eps, gamma, pt, q, negLogP, logits), w, pt, q, factor, gamma);
}

/**
 * A class term with Poly-1: focal (a w q^gamma L, formed by the kernel) plus eps w q^(gamma + 1),
 * regrouped where the two cancel.
 */
export function withPoly(focal: f64, a: f64, w: f64, pt: f64, q: f64, negLogP: f64, factor: f64, gamma: f64, eps: f64): f64 {
  const term = polyTerm(eps, w, pt, q, factor, gamma);
  const sum = focal + term;
  if (!regroup(focal, term, sum, a, eps)) return sum;
  return scaled((a + eps) * q + a * logExcess(q, negLogP), w, pt, q, factor, gamma);
}

const SMALLEST_NORMAL: f64 = 2.2250738585072014e-308;

// The same on two lanes. A lane the vector arithmetic cannot settle (a product that is not a
// normal number, a cancelling sum) is formed again by the scalar functions above. Inlined:
// an exported function that takes v128 values draws AssemblyScript's warning AS112.

/** regroup on two lanes. */
// @ts-ignore: decorator
@inline
export function vregroup(x: v128, y: v128, sum: v128, a: v128, eps: v128): v128 {
  const lost = f64x2.lt(f64x2.mul(f64x2.abs(sum), lanes(SIXTY_FOUR)), f64x2.add(f64x2.abs(x), f64x2.abs(y)));
  return v128.and(lost, vregroups(a, eps));
}

/** The half of vregroup that a and eps decide: a + eps cancels too. */
// @ts-ignore: decorator
@inline
export function vregroups(a: v128, eps: v128): v128 {
  return f64x2.lt(f64x2.mul(f64x2.abs(f64x2.add(a, eps)), lanes(SIXTY_FOUR)), f64x2.add(a, f64x2.abs(eps)));
}

/** The lanes of focal + term to form again on their own: those not `ok`, and those to regroup; never those of `off`. */
// @ts-ignore: decorator
@inline
export function vagain(focal: v128, term: v128, sum: v128, ok: v128, off: v128, a: v128, eps: v128): v128 {
  return v128.andnot(v128.or(v128.not(ok), vregroup(focal, term, sum, a, eps)), off);
}

/**
 * Two class terms with Poly-1: focal (already final, 0 where alpha w is) plus eps w q^(gamma + 1),
 * 0 in the lanes of `off`.
 */
// @ts-ignore: decorator
@inline
export function vwithPoly(
  focal: v128, eps: f64, a: v128, w: v128, pt: v128, q: v128, negLogP: v128, factor: v128, gamma: f64, off: v128,
): v128 {
  const epsLanes = f64x2.splat(eps);
  const term = f64x2.mul(epsLanes, f64x2.mul(w, f64x2.mul(factor, q)));
  const sum = f64x2.add(focal, term);
  const size = f64x2.abs(term);
  const ok = v128.and(
    v128.and(f64x2.ge(factor, lanes(SMALLEST_NORMAL_LANES)), f64x2.ge(size, lanes(SMALLEST_NORMAL_LANES))),
    f64x2.lt(size, lanes(INFINITY)),
  );
  let value = sum;
  const again = vagain(focal, term, sum, ok, off, a, epsLanes);
  if (i64x2.extract_lane(again, 0) != 0) {
    value = f64x2.replace_lane(value, 0, withPoly(
      f64x2.extract_lane(focal, 0), f64x2.extract_lane(a, 0), f64x2.extract_lane(w, 0), f64x2.extract_lane(pt, 0),
      f64x2.extract_lane(q, 0), f64x2.extract_lane(negLogP, 0), f64x2.extract_lane(factor, 0), gamma, eps,
    ));
  }
  if (i64x2.extract_lane(again, 1) != 0) {
    value = f64x2.replace_lane(value, 1, withPoly(
      f64x2.extract_lane(focal, 1), f64x2.extract_lane(a, 1), f64x2.extract_lane(w, 1), f64x2.extract_lane(pt, 1),
      f64x2.extract_lane(q, 1), f64x2.extract_lane(negLogP, 1), f64x2.extract_lane(factor, 1), gamma, eps,
    ));
  }
  return v128.andnot(value, off);
}

/** w q^gamma m on two lanes (scaled), 0 in the lanes of `off`. */
// @ts-ignore: decorator
@inline
export function vscaled(m: v128, w: v128, pt: v128, q: v128, factor: v128, gamma: f64, off: v128): v128 {
  const wf = f64x2.mul(w, factor);
  let value = f64x2.mul(wf, m);
  const again = v128.andnot(f64x2.lt(f64x2.pmin(factor, wf), lanes(SMALLEST_NORMAL_LANES)), off);
  if (i64x2.extract_lane(again, 0) != 0) {
    value = f64x2.replace_lane(value, 0, scaled(
      f64x2.extract_lane(m, 0), f64x2.extract_lane(w, 0), f64x2.extract_lane(pt, 0), f64x2.extract_lane(q, 0),
      f64x2.extract_lane(factor, 0), gamma,
    ));
  }
  if (i64x2.extract_lane(again, 1) != 0) {
    value = f64x2.replace_lane(value, 1, scaled(
      f64x2.extract_lane(m, 1), f64x2.extract_lane(w, 1), f64x2.extract_lane(pt, 1), f64x2.extract_lane(q, 1),
      f64x2.extract_lane(factor, 1), gamma,
    ));
  }
  return v128.andnot(value, off);
}
