// Probability clipping with exact semantics, as in assembly/math/clip.ts: p is clipped to
// [eps, 1 - eps], but 1 - p is clipped directly (not computed as 1 - fl(1 - eps), which
// loses ~10 digits), and ln(1 - eps) = log1p(-eps) is passed in as logHigh.

/** 1 - p, clipped to [eps, 1 - eps]. */
export function clippedOneMinus(p: number, eps: number): number {
  const q = 1 - p;
  return q < eps ? eps : p < eps ? 1 - eps : q;
}

/** p clipped to [eps, 1 - eps], on the same boundary as clippedOneMinus. */
export function clippedProbability(p: number, eps: number): number {
  return 1 - p < eps ? 1 - eps : Math.max(p, eps);
}

/** ln(1 - p) for p clipped to [eps, 1 - eps]; logEps is ln(eps). */
export function clippedLogOneMinus(p: number, eps: number, logEps: number, logHigh: number): number {
  return 1 - p < eps ? logEps : p < eps ? logHigh : Math.log1p(-p);
}

/** ln p for p clipped to [eps, 1 - eps]. */
export function clippedLog(p: number, eps: number, logHigh: number): number {
  return 1 - p < eps ? logHigh : Math.log(Math.max(p, eps));
}

/** Whether clipping changes p: there the loss is flat, and its derivative 0. */
export function isClipped(p: number, eps: number): boolean {
  return p < eps || 1 - p < eps;
}
