// Probability clipping with exact semantics: p is clipped to [eps, 1 - eps], but 1 - p is
// clipped directly (not computed as 1 - fl(1 - eps), which loses ~10 digits), and
// ln(1 - eps) comes from log1p(-eps), passed in as logHigh.

/** 1 - p, clipped to [eps, 1 - eps]. */
// @ts-ignore: decorator
@inline
export function clippedOneMinus(p: f64, eps: f64): f64 {
  const q = 1 - p;
  return q < eps ? eps : p < eps ? 1 - eps : q;
}

/** p clipped to [eps, 1 - eps], on the same boundary as clippedOneMinus. */
// @ts-ignore: decorator
@inline
export function clippedProbability(p: f64, eps: f64): f64 {
  return 1 - p < eps ? 1 - eps : max(p, eps);
}

/** ln(1 - p) for p clipped to [eps, 1 - eps]; logEps is ln(eps). */
// @ts-ignore: decorator
@inline
export function clippedLogOneMinus(p: f64, eps: f64, logEps: f64, logHigh: f64): f64 {
  return 1 - p < eps ? logEps : p < eps ? logHigh : Math.log1p(-p);
}

/** ln p for p clipped to [eps, 1 - eps]. */
// @ts-ignore: decorator
@inline
export function clippedLog(p: f64, eps: f64, logHigh: f64): f64 {
  return 1 - p < eps ? logHigh : Math.log(max(p, eps));
}

// The same clipping on two lanes.

/**
 * ln(1 - p) for the clipped p (x) and q: ln q corrected by log1p's trick for the rounding of
 * q = fl(1 - x), which is exact for x >= 0.5; lanes clipped down get ln(eps).
 */
// @ts-ignore: decorator
@inline
export function vclippedLogOneMinus(logQ: v128, x: v128, q: v128, high: v128, logEps: v128): v128 {
  const one = f64x2.splat(1);
  const exact = f64x2.sub(logQ, f64x2.div(f64x2.add(f64x2.sub(q, one), x), q));
  return v128.bitselect(logEps, exact, high);
}
